#include "card/chip_certificates.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include <fmt/format.h>

#include "card/der.h"

namespace ektp::card {

namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

constexpr std::string_view kOrganisation = "Direktorat Jenderal Dukcapil";

X509Ptr x509_of(std::span<const std::uint8_t> der) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x != nullptr && p != der.data() + der.size()) {
    X509_free(x);
    x = nullptr;
  }
  return X509Ptr(x, &X509_free);
}

std::unexpected<Error> openssl_failed(std::string_view what) {
  return make_error(ErrorCode::kInternal, fmt::format("certificate: {} failed", what));
}

bool add_extension(X509* certificate, X509V3_CTX* context, int nid, const char* value) {
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, context, nid, value);
  if (extension == nullptr) return false;
  const bool added = X509_add_ext(certificate, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

// The certificate with everything but its signature; `issuer` null for a self-signed one.
Result<X509Ptr> unsigned_certificate(const CertificateRequest& request, X509* issuer, bool authority) {
  if (request.not_after <= request.not_before) return invalid_argument("certificate: it must end after it begins");
  if (request.common_name.empty() || request.common_name.size() > 64) {
    return invalid_argument("certificate: a common name of 1 to 64 characters");
  }
  const unsigned char* p = request.public_key.data();
  KeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(request.public_key.size())), &EVP_PKEY_free);
  if (!key) return invalid_argument("certificate: the public key is not a DER SubjectPublicKeyInfo");
  X509Ptr x(X509_new(), &X509_free);
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("ID"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(kOrganisation.data()),
                             static_cast<int>(kOrganisation.size()), -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(request.common_name.data()),
                             static_cast<int>(request.common_name.size()), -1, 0);
  const bool ok = X509_set_version(x.get(), X509_VERSION_3) == 1 &&
                  ASN1_INTEGER_set_uint64(X509_get_serialNumber(x.get()), request.serial) == 1 &&
                  X509_set_subject_name(x.get(), name) == 1 &&
                  X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name) == 1 &&
                  ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(request.not_before)) != nullptr &&
                  ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(request.not_after)) != nullptr &&
                  X509_set_pubkey(x.get(), key.get()) == 1;
  X509_NAME_free(name);
  if (!ok) return openssl_failed("setting the fields");
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer != nullptr ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
  const bool extended =
      authority ? add_extension(x.get(), &context, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
                      add_extension(x.get(), &context, NID_key_usage, "critical,keyCertSign,cRLSign") &&
                      add_extension(x.get(), &context, NID_subject_key_identifier, "hash")
                : add_extension(x.get(), &context, NID_key_usage, "critical,digitalSignature") &&
                      add_extension(x.get(), &context, NID_subject_key_identifier, "hash") &&
                      add_extension(x.get(), &context, NID_authority_key_identifier, "keyid:always");
  if (!extended) return openssl_failed("adding the extensions");
  return x;
}

// Signs the certificate in the HSM: OpenSSL writes the algorithm fields (by a signature with a
// throwaway key that is then replaced), the TBSCertificate is re-encoded and hashed, and the
// certificate is assembled around the token's signature.
Result<std::vector<std::uint8_t>> signed_by(X509* x, const DigestSigner& sign) {
  KeyPtr placeholder(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
  if (!placeholder || X509_sign(x, placeholder.get(), EVP_sha256()) <= 0) return openssl_failed("writing the algorithm");
  unsigned char* tbs = nullptr;
  const int n = i2d_re_X509_tbs(x, &tbs);
  if (n <= 0) return openssl_failed("encoding the TBSCertificate");
  der::Bytes tbs_bytes(tbs, tbs + n);
  OPENSSL_free(tbs);
  EKTP_ASSIGN_OR_RETURN(auto signature, sign(lds_hash(kSha256Oid, tbs_bytes)));
  der::Bytes bits = {0x00};
  bits.insert(bits.end(), signature.begin(), signature.end());
  auto certificate = der::sequence({tbs_bytes, der::algorithm(kEcdsaWithSha256Oid), encode_tlv(der::kBitString, bits)});
  if (!x509_of(certificate)) return openssl_failed("reading back the signed certificate");
  return certificate;
}

}  // namespace

Result<std::vector<std::uint8_t>> make_csca_certificate(const CertificateRequest& request, const DigestSigner& csca_sign) {
  EKTP_ASSIGN_OR_RETURN(auto x, unsigned_certificate(request, nullptr, true));
  return signed_by(x.get(), csca_sign);
}

Result<std::vector<std::uint8_t>> make_document_signer_certificate(const CertificateRequest& request,
                                                                   std::span<const std::uint8_t> csca_certificate,
                                                                   const DigestSigner& csca_sign) {
  auto csca = x509_of(csca_certificate);
  if (!csca) return invalid_argument("certificate: the CSCA certificate is not DER X.509");
  EKTP_ASSIGN_OR_RETURN(auto x, unsigned_certificate(request, csca.get(), false));
  return signed_by(x.get(), csca_sign);
}

std::string pem_of_certificate(std::span<const std::uint8_t> der) {
  auto x = x509_of(der);
  if (!x) return {};
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(out.get(), x.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<std::vector<std::vector<std::uint8_t>>> certificates_of_pem(std::string_view pem) {
  if (pem.size() > (1u << 20)) return invalid_argument("certificates: a PEM file of more than 1 MiB");
  std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::vector<std::vector<std::uint8_t>> out;
  while (true) {
    X509* x = PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr);
    if (x == nullptr) break;
    unsigned char* der = nullptr;
    const int n = i2d_X509(x, &der);
    X509_free(x);
    if (n <= 0) return invalid_argument("certificates: one could not be encoded");
    out.emplace_back(der, der + n);
    OPENSSL_free(der);
    if (out.size() > 64) return invalid_argument("certificates: more than 64 in one file");
  }
  if (out.empty()) return invalid_argument("certificates: no PEM certificate found");
  return out;
}

std::string certificate_subject(std::span<const std::uint8_t> der) {
  auto x = x509_of(der);
  if (!x) return {};
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  X509_NAME_print_ex(out.get(), X509_get_subject_name(x.get()), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace ektp::card
