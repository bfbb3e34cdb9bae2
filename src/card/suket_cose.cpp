#include "card/suket_cose.h"

#include <optional>
#include <string>

#include "card/cbor_items.h"
#include "core/assert.h"

namespace ektp::card {
namespace {

constexpr std::int64_t kHeaderAlg = 1;
constexpr std::int64_t kHeaderCrit = 2;
constexpr std::int64_t kHeaderKid = 4;
constexpr std::size_t kHeaderPairsMax = 8;
constexpr std::size_t kKidBytesMax = 32;

std::unexpected<Error> cose_refusal(std::string message) {
  return refusal(ErrorCode::kInvalidArgument, "cose", "cose: " + std::move(message));
}

struct ProtectedHeader {
  std::optional<std::int64_t> alg;
  std::optional<std::vector<std::uint8_t>> kid;
};

Result<ProtectedHeader> parse_protected_header(std::span<const std::uint8_t> bytes) {
  CborReader reader(bytes, "protected header");
  EKTP_ASSIGN_OR_RETURN(const std::size_t pairs,
                        reader.read_map("the protected header", kHeaderPairsMax));
  ProtectedHeader header;
  for (std::size_t i = 0; i < pairs; ++i) {
    EKTP_ASSIGN_OR_RETURN(const std::int64_t label, reader.read_int("a header label"));
    if (label == kHeaderAlg) {
      if (header.alg) return cose_refusal("the protected header has alg (1) twice");
      EKTP_ASSIGN_OR_RETURN(header.alg, reader.read_int("alg (1)"));
    } else if (label == kHeaderKid) {
      if (header.kid) return cose_refusal("the protected header has kid (4) twice");
      EKTP_ASSIGN_OR_RETURN(const auto kid, reader.read_bytes("kid (4)", kKidBytesMax));
      header.kid.emplace(kid.begin(), kid.end());
    } else if (label == kHeaderCrit) {
      // Critical headers must be understood to verify, and none is defined for SUKETs.
      return cose_refusal("the protected header lists critical headers (2), which are not used");
    } else {
      EKTP_RETURN_IF_ERROR(reader.skip());
    }
  }
  if (!reader.at_end()) return reader.error_at(reader.offset(), "bytes after the protected header");
  return header;
}

}  // namespace

std::vector<std::uint8_t> cose_sig_structure(std::span<const std::uint8_t> protected_header,
                                             std::span<const std::uint8_t> payload) {
  CborWriter writer;
  writer.array(4);
  writer.text("Signature1");
  writer.bytes(protected_header);
  writer.bytes({});  // external_aad: none
  writer.bytes(payload);
  return writer.take();
}

std::vector<std::uint8_t> cose_sign1(std::span<const std::uint8_t> payload, const SigningKey& key) {
  CborWriter header;
  header.map(2);
  header.unsigned_int(kHeaderAlg);
  header.signed_int(kCoseAlgEdDSA);
  header.unsigned_int(kHeaderKid);
  header.bytes(key.key_id());
  const std::vector<std::uint8_t> protected_header = header.take();

  const Signature signature = key.sign(cose_sig_structure(protected_header, payload));
  CborWriter cose;
  cose.tag(kCoseSign1Tag);
  cose.array(4);
  cose.bytes(protected_header);
  cose.map(0);
  cose.bytes(payload);
  cose.bytes(signature);
  return cose.take();
}

Result<CoseSign1Parts> parse_cose_sign1(std::span<const std::uint8_t> cose,
                                        std::size_t payload_bytes_max) {
  CborReader reader(cose, "COSE_Sign1");
  EKTP_ASSIGN_OR_RETURN(CborItem item, reader.next());
  if (item.kind == CborKind::kTag && item.value == kCwtTag) {
    EKTP_ASSIGN_OR_RETURN(item, reader.next());
  }
  if (item.kind != CborKind::kTag || item.value != kCoseSign1Tag) {
    return reader.error_at(
        item.offset, "not tag 18 (COSE_Sign1) but " + std::string(cbor_kind_name(item.kind)) +
                         (item.kind == CborKind::kTag ? " " + std::to_string(item.value) : ""));
  }
  EKTP_ASSIGN_OR_RETURN(const std::size_t items, reader.read_array("COSE_Sign1", 4));
  if (items != 4) return cose_refusal("COSE_Sign1 has " + std::to_string(items) + " items, not 4");

  CoseSign1Parts parts;
  EKTP_ASSIGN_OR_RETURN(parts.protected_header, reader.read_bytes("the protected header", 256));
  EKTP_ASSIGN_OR_RETURN(const std::size_t unprotected_pairs,
                        reader.read_map("the unprotected header", kHeaderPairsMax));
  for (std::size_t i = 0; i < unprotected_pairs * 2; ++i) {
    EKTP_RETURN_IF_ERROR(reader.skip());
  }
  EKTP_ASSIGN_OR_RETURN(parts.payload, reader.read_bytes("the payload", payload_bytes_max));
  EKTP_ASSIGN_OR_RETURN(parts.signature,
                        reader.read_bytes("the signature", kEd25519SignatureBytes));
  if (parts.signature.size() != kEd25519SignatureBytes) {
    return cose_refusal("the signature is " + std::to_string(parts.signature.size()) +
                        " bytes, not 64 (Ed25519)");
  }
  if (!reader.at_end()) {
    return reader.error_at(reader.offset(), std::to_string(cose.size() - reader.offset()) +
                                                " bytes after the COSE_Sign1");
  }

  EKTP_ASSIGN_OR_RETURN(ProtectedHeader header, parse_protected_header(parts.protected_header));
  if (!header.alg) return cose_refusal("the protected header has no alg (1)");
  if (*header.alg != kCoseAlgEdDSA) {
    return cose_refusal("alg is " + std::to_string(*header.alg) + ", not -8 (EdDSA)");
  }
  if (!header.kid || header.kid->empty())
    return cose_refusal("the protected header has no kid (4)");
  parts.kid = std::move(*header.kid);
  EKTP_ASSERT(parts.signature.size() == kEd25519SignatureBytes);
  return parts;
}

}  // namespace ektp::card
