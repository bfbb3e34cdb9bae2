#include "card/chip_revocation.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "card/byte_text.h"

namespace ektp::card {

namespace {

namespace json = boost::json;

constexpr std::string_view kReasons[] = {"lost", "stolen", "damaged", "replaced"};

std::unexpected<Error> malformed(std::string what) {
  return refusal(ErrorCode::kInvalidArgument, "revocation_malformed", "revocation list: " + std::move(what));
}

bool is_hex16(std::string_view s) {
  return s.size() == 16 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool is_date(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
}

Status check_entry(const RevokedChip& e, std::size_t index) {
  if (!is_hex16(e.chip_serial)) return malformed(fmt::format("entry {}: chip_serial must be 16 lower-case hex digits", index));
  if (e.nik.size() != 16 || e.nik.find_first_not_of("0123456789") != std::string::npos) {
    return malformed(fmt::format("entry {}: nik must be 16 digits", index));
  }
  if (!is_date(e.revoked_on)) return malformed(fmt::format("entry {}: revoked_on must be YYYY-MM-DD", index));
  if (std::find(std::begin(kReasons), std::end(kReasons), e.reason) == std::end(kReasons)) {
    return malformed(fmt::format("entry {}: reason must be lost, stolen, damaged or replaced", index));
  }
  return {};
}

std::vector<std::uint8_t> sha256(std::string_view text) {
  return lds_hash(kSha256Oid, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

bool verifies(std::span<const std::uint8_t> certificate, std::span<const std::uint8_t> digest,
              std::span<const std::uint8_t> signature) {
  const unsigned char* p = certificate.data();
  std::unique_ptr<X509, decltype(&X509_free)> x(d2i_X509(nullptr, &p, static_cast<long>(certificate.size())), &X509_free);
  if (!x) return false;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
      EVP_PKEY_CTX_new(X509_get0_pubkey(x.get()), nullptr), &EVP_PKEY_CTX_free);
  return context && EVP_PKEY_verify_init(context.get()) == 1 &&
         EVP_PKEY_verify(context.get(), signature.data(), signature.size(), digest.data(), digest.size()) == 1;
}

Result<std::string> text_field(const json::object& o, std::string_view key, std::size_t index) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return malformed(fmt::format("entry {}: {} is missing", index, key));
  return std::string(v->as_string());
}

}  // namespace

const RevokedChip* RevocationList::find(std::string_view chip_serial) const {
  for (const auto& e : entries) {
    if (e.chip_serial == chip_serial) return &e;
  }
  return nullptr;
}

Result<std::string> sign_revocation_list(const RevocationList& list, const DigestSigner& csca_sign) {
  if (list.next_update <= list.issued_at) return malformed("next_update must come after issued_at");
  if (list.entries.size() > kRevocationEntriesMax) return malformed("too many entries");
  json::array entries;
  for (std::size_t i = 0; i < list.entries.size(); ++i) {
    const auto& e = list.entries[i];
    EKTP_RETURN_IF_ERROR(check_entry(e, i));
    entries.push_back(json::object{{"chip_serial", e.chip_serial}, {"nik", e.nik}, {"revoked_on", e.revoked_on},
                                   {"reason", e.reason}});
  }
  const auto payload = json::serialize(json::object{{"number", list.number},
                                                    {"issued_at", list.issued_at},
                                                    {"next_update", list.next_update},
                                                    {"entries", std::move(entries)}});
  EKTP_ASSIGN_OR_RETURN(auto signature, csca_sign(sha256(payload)));
  return json::serialize(json::object{{"payload", payload}, {"signature", base64url_of(signature)}});
}

Result<RevocationList> verify_revocation_list(std::string_view file,
                                              const std::vector<std::vector<std::uint8_t>>& trusted_cscas) {
  if (file.size() > kRevocationFileBytesMax) return malformed(fmt::format("more than {} bytes", kRevocationFileBytesMax));
  boost::system::error_code ec;
  auto outer = json::parse(file, ec);
  if (ec || !outer.is_object()) return malformed("not a JSON object");
  const auto* payload = outer.as_object().if_contains("payload");
  const auto* signature_text = outer.as_object().if_contains("signature");
  if (payload == nullptr || !payload->is_string() || signature_text == nullptr || !signature_text->is_string() ||
      signature_text->as_string().size() > 200) {
    return malformed("payload and signature are required");
  }
  const std::string_view text = signature_text->as_string();
  auto signature = bytes_of_base64url(text, text.size() * 3 / 4);
  if (!signature) return malformed("the signature is not base64url");
  const std::string_view payload_text = payload->as_string();
  const auto digest = sha256(payload_text);
  const bool signed_by_trusted = std::any_of(trusted_cscas.begin(), trusted_cscas.end(), [&](const auto& csca) {
    return verifies(csca, digest, *signature);
  });
  if (!signed_by_trusted) {
    return refusal(ErrorCode::kUnauthenticated, "revocation_signature",
                   "revocation list: not signed by a trusted CSCA (altered, or from another issuer)");
  }
  auto inner = json::parse(payload_text, ec);
  if (ec || !inner.is_object()) return malformed("the payload is not a JSON object");
  const auto& o = inner.as_object();
  RevocationList list;
  const auto* number = o.if_contains("number");
  const auto* issued = o.if_contains("issued_at");
  const auto* next = o.if_contains("next_update");
  const auto* entries = o.if_contains("entries");
  if (number == nullptr || !number->is_number() || issued == nullptr || !issued->is_int64() || next == nullptr ||
      !next->is_int64() || entries == nullptr || !entries->is_array()) {
    return malformed("number, issued_at, next_update and entries are required");
  }
  list.number = number->to_number<std::uint64_t>();
  list.issued_at = issued->as_int64();
  list.next_update = next->as_int64();
  if (entries->as_array().size() > kRevocationEntriesMax) return malformed("too many entries");
  for (const auto& v : entries->as_array()) {
    const std::size_t i = list.entries.size();
    if (!v.is_object()) return malformed(fmt::format("entry {} is not an object", i));
    RevokedChip e;
    EKTP_ASSIGN_OR_RETURN(e.chip_serial, text_field(v.as_object(), "chip_serial", i));
    EKTP_ASSIGN_OR_RETURN(e.nik, text_field(v.as_object(), "nik", i));
    EKTP_ASSIGN_OR_RETURN(e.revoked_on, text_field(v.as_object(), "revoked_on", i));
    EKTP_ASSIGN_OR_RETURN(e.reason, text_field(v.as_object(), "reason", i));
    EKTP_RETURN_IF_ERROR(check_entry(e, i));
    list.entries.push_back(std::move(e));
  }
  return list;
}

}  // namespace ektp::card
