#include "card/security_object.h"

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "card/ber_tlv.h"
#include "card/der.h"
#include "card/lds_files.h"

namespace ektp::card {

namespace {

constexpr std::string_view kSignedDataOid = "1.2.840.113549.1.7.2";
constexpr std::string_view kContentTypeAttributeOid = "1.2.840.113549.1.9.3";
constexpr std::string_view kMessageDigestAttributeOid = "1.2.840.113549.1.9.4";
constexpr std::string_view kSigningTimeAttributeOid = "1.2.840.113549.1.9.5";

std::unexpected<Error> malformed(std::string what) {
  return refusal(ErrorCode::kInvalidArgument, "sod_malformed", "EF.SOD: " + std::move(what));
}

const EVP_MD* digest_of(std::string_view oid) {
  if (oid == kSha256Oid) return EVP_sha256();
  if (oid == kSha384Oid) return EVP_sha384();
  if (oid == kSha512Oid) return EVP_sha512();
  return nullptr;
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

template <class T, class F>
Result<der::Bytes> i2d_bytes(const T* object, F i2d) {
  unsigned char* out = nullptr;
  const int n = i2d(object, &out);
  if (n <= 0) return make_error(ErrorCode::kInternal, "DER encoding failed");
  der::Bytes bytes(out, out + n);
  OPENSSL_free(out);
  return bytes;
}

}  // namespace

std::vector<std::uint8_t> lds_hash(std::string_view algorithm_oid, std::span<const std::uint8_t> bytes) {
  const EVP_MD* md = digest_of(algorithm_oid);
  if (md == nullptr) return {};
  std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &n, md, nullptr);
  return out;
}

std::vector<std::uint8_t> encode_lds_security_object(const LdsSecurityObject& object) {
  std::vector<der::Bytes> hashes;
  for (const auto& [group, hash] : object.hashes) {
    hashes.push_back(der::sequence({der::integer(static_cast<std::uint64_t>(group)), der::octet_string(hash)}));
  }
  return der::sequence({der::integer(0), der::algorithm(object.hash_algorithm), der::sequence(hashes)});
}

Result<LdsSecurityObject> parse_lds_security_object(std::span<const std::uint8_t> bytes) {
  EKTP_ASSIGN_OR_RETURN(auto root, parse_tlv(bytes));
  if (root.tag != der::kSequence || root.children.size() < 3 || root.children.size() > 4) {
    return malformed("the LDSSecurityObject is not a SEQUENCE of 3 or 4 items");
  }
  EKTP_ASSIGN_OR_RETURN(auto version, der::small_integer(root.children[0]));
  if (version > 1) return malformed(fmt::format("LDSSecurityObject version {}, expected 0 or 1", version));
  const Tlv& algorithm = root.children[1];
  if (algorithm.tag != der::kSequence || algorithm.children.empty() || algorithm.children[0].tag != der::kOid) {
    return malformed("the hash algorithm is not an AlgorithmIdentifier");
  }
  LdsSecurityObject out;
  EKTP_ASSIGN_OR_RETURN(out.hash_algorithm, der::oid_text(algorithm.children[0].value));
  const EVP_MD* md = digest_of(out.hash_algorithm);
  if (md == nullptr) {
    return refusal(ErrorCode::kInvalidArgument, "sod_unknown_algorithm",
                   fmt::format("EF.SOD: hash algorithm {} is not SHA-256, SHA-384 or SHA-512", out.hash_algorithm));
  }
  const Tlv& list = root.children[2];
  if (list.tag != der::kSequence || list.children.empty() || list.children.size() > 16) {
    return malformed("dataGroupHashValues is not a SEQUENCE of 1 to 16 hashes");
  }
  for (const auto& entry : list.children) {
    if (entry.tag != der::kSequence || entry.children.size() != 2 || entry.children[1].tag != der::kOctetString) {
      return malformed("a DataGroupHash is not SEQUENCE { INTEGER, OCTET STRING }");
    }
    EKTP_ASSIGN_OR_RETURN(auto group, der::small_integer(entry.children[0]));
    if (group < 1 || group > 16) return malformed(fmt::format("data group {} (1 to 16)", group));
    if (entry.children[1].value.size() != static_cast<std::size_t>(EVP_MD_get_size(md))) {
      return malformed(fmt::format("DG{}: a hash of {} bytes for {}", group, entry.children[1].value.size(),
                                   out.hash_algorithm));
    }
    if (!out.hashes.emplace(static_cast<int>(group), entry.children[1].value).second) {
      return malformed(fmt::format("DG{} listed twice", group));
    }
  }
  return out;
}

Result<std::vector<std::uint8_t>> make_ef_sod(const std::map<int, std::vector<std::uint8_t>>& data_groups,
                                              const SodSigning& signing) {
  if (data_groups.empty()) return invalid_argument("EF.SOD: no data groups to sign");
  LdsSecurityObject object;
  for (const auto& [group, bytes] : data_groups) {
    if (group < 1 || group > 16) return invalid_argument(fmt::format("EF.SOD: data group {} (1 to 16)", group));
    object.hashes[group] = lds_hash(kSha256Oid, bytes);
  }
  const auto content = encode_lds_security_object(object);

  const unsigned char* p = signing.ds_certificate.data();
  X509Ptr certificate(d2i_X509(nullptr, &p, static_cast<long>(signing.ds_certificate.size())), &X509_free);
  if (!certificate) return invalid_argument("EF.SOD: the Document Signer certificate is not DER X.509");
  EKTP_ASSIGN_OR_RETURN(auto issuer, i2d_bytes(X509_get_issuer_name(certificate.get()), i2d_X509_NAME));
  EKTP_ASSIGN_OR_RETURN(auto serial, i2d_bytes(X509_get0_serialNumber(certificate.get()), i2d_ASN1_INTEGER));

  const auto attribute = [](std::string_view type, der::Bytes value) {
    return der::sequence({der::oid(type), der::set_of({std::move(value)})});
  };
  const std::vector<der::Bytes> attributes = {
      attribute(kContentTypeAttributeOid, der::oid(kLdsSecurityObjectOid)),
      attribute(kSigningTimeAttributeOid, der::utc_time(signing.signing_time)),
      attribute(kMessageDigestAttributeOid, der::octet_string(lds_hash(kSha256Oid, content))),
  };
  // The signature covers the attributes encoded as a SET OF (tag 31); they travel as [0] IMPLICIT.
  auto signed_attributes = der::set_of(attributes);
  EKTP_ASSIGN_OR_RETURN(auto signature, signing.sign(lds_hash(kSha256Oid, signed_attributes)));
  signed_attributes[0] = 0xA0;

  const auto signer_info = der::sequence({
      der::integer(1),
      der::sequence({issuer, serial}),
      der::algorithm(kSha256Oid),
      signed_attributes,
      der::algorithm(kEcdsaWithSha256Oid),
      der::octet_string(signature),
  });
  const auto signed_data = der::sequence({
      der::integer(3),
      der::set_of({der::algorithm(kSha256Oid)}),
      der::sequence({der::oid(kLdsSecurityObjectOid), der::context(0, {der::octet_string(content)})}),
      der::context(0, {signing.ds_certificate}),
      der::set_of({signer_info}),
  });
  const auto content_info = der::sequence({der::oid(kSignedDataOid), der::context(0, {signed_data})});
  return encode_tlv(kEfSodTag, content_info);
}

Result<SodContents> read_ef_sod(std::span<const std::uint8_t> ef_sod) {
  if (ef_sod.size() > kEfSodBytesMax) return malformed(fmt::format("{} bytes, at most {}", ef_sod.size(), kEfSodBytesMax));
  // Only the outer tag and length here: OpenSSL's DER parser reads the CMS (certificates nest
  // deeper than an LDS data group may).
  if (ef_sod.size() < 2 || ef_sod[0] != kEfSodTag) return malformed("not tag 77");
  std::size_t at = 1, length = ef_sod[at++];
  if (length > 0x80) {
    const std::size_t bytes = length - 0x80;
    if (bytes > 2 || ef_sod.size() < at + bytes) return malformed("a bad length");
    length = 0;
    for (std::size_t i = 0; i < bytes; ++i) length = length << 8 | ef_sod[at++];
  } else if (length == 0x80) {
    return malformed("an indefinite length");
  }
  if (ef_sod.size() != at + length) {
    return malformed(fmt::format("{} bytes after the header, its length says {}", ef_sod.size() - at, length));
  }
  SodContents out;
  out.content_info.assign(ef_sod.begin() + static_cast<std::ptrdiff_t>(at), ef_sod.end());
  const unsigned char* p = out.content_info.data();
  std::unique_ptr<CMS_ContentInfo, decltype(&CMS_ContentInfo_free)> cms(
      d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(out.content_info.size())), &CMS_ContentInfo_free);
  if (!cms || p != out.content_info.data() + out.content_info.size()) return malformed("not a DER CMS ContentInfo");
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) return malformed("the CMS is not SignedData");
  // Strict DER: what OpenSSL parsed must encode back to the very same bytes (a tag or length
  // changed in a way its parser tolerates is refused here, not trusted).
  unsigned char* again = nullptr;
  const int again_size = i2d_CMS_ContentInfo(cms.get(), &again);
  const bool same = again_size == static_cast<int>(out.content_info.size()) &&
                    std::equal(out.content_info.begin(), out.content_info.end(), again);
  OPENSSL_free(again);
  if (!same) return malformed("the CMS is not in DER (it does not encode back to itself)");
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
  if (signers == nullptr || sk_CMS_SignerInfo_num(signers) != 1) return malformed("exactly one signer expected");
  X509_ALGOR *digest = nullptr, *signature = nullptr;
  CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(signers, 0), nullptr, nullptr, &digest, &signature);
  const auto algorithm_text = [](const X509_ALGOR* algorithm) {
    const ASN1_OBJECT* object = nullptr;
    X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
    char text[80] = {};
    OBJ_obj2txt(text, sizeof text, object, 1);
    return std::string(text);
  };
  const auto digest_oid = algorithm_text(digest), signature_oid = algorithm_text(signature);
  if (digest_of(digest_oid) == nullptr) {
    return refusal(ErrorCode::kInvalidArgument, "sod_unknown_algorithm",
                   fmt::format("EF.SOD: digest algorithm {} is not SHA-256, SHA-384 or SHA-512", digest_oid));
  }
  if (signature_oid != kEcdsaWithSha256Oid && signature_oid != "1.2.840.10045.4.3.3" &&
      signature_oid != "1.2.840.10045.4.3.4") {
    return refusal(ErrorCode::kInvalidArgument, "sod_unknown_algorithm",
                   fmt::format("EF.SOD: signature algorithm {} is not ECDSA with SHA-2", signature_oid));
  }
  char type[80] = {};
  OBJ_obj2txt(type, sizeof type, CMS_get0_eContentType(cms.get()), 1);
  if (std::string_view(type) != kLdsSecurityObjectOid) {
    return refusal(ErrorCode::kInvalidArgument, "sod_unknown_content",
                   fmt::format("EF.SOD: content type {} is not the LDSSecurityObject ({})", type, kLdsSecurityObjectOid));
  }
  ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
  if (content == nullptr || *content == nullptr) return malformed("the security object is missing (detached)");
  EKTP_ASSIGN_OR_RETURN(out.security_object,
                        parse_lds_security_object(std::span(ASN1_STRING_get0_data(*content),
                                                            static_cast<std::size_t>(ASN1_STRING_length(*content)))));
  return out;
}

}  // namespace ektp::card
