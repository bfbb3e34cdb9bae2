#include "card/passive_authentication.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

#include <fmt/format.h>

#include "card/chip_certificates.h"

namespace ektp::card {

namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no detail";
  char text[256] = {};
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::vector<std::uint8_t> der_of(X509* x) {
  unsigned char* out = nullptr;
  const int n = i2d_X509(x, &out);
  if (n <= 0) return {};
  std::vector<std::uint8_t> bytes(out, out + n);
  OPENSSL_free(out);
  return bytes;
}

// The SOD's signature with the certificate it carries; that certificate (DER) when it verifies.
void check_signature(std::span<const std::uint8_t> content_info, PassiveAuthentication& out) {
  const unsigned char* p = content_info.data();
  std::unique_ptr<CMS_ContentInfo, decltype(&CMS_ContentInfo_free)> cms(
      d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(content_info.size())), &CMS_ContentInfo_free);
  if (!cms) {
    out.signature_error = "the CMS could not be read";
    return;
  }
  STACK_OF(X509)* carried = CMS_get1_certs(cms.get());
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
  if (signers == nullptr || sk_CMS_SignerInfo_num(signers) != 1) {
    out.signature_error = "the SOD must have exactly one signer";
  } else {
    CMS_SignerInfo* signer = sk_CMS_SignerInfo_value(signers, 0);
    for (int i = 0; carried != nullptr && i < sk_X509_num(carried); ++i) {
      if (CMS_SignerInfo_cert_cmp(signer, sk_X509_value(carried, i)) == 0) {
        out.document_signer_certificate = der_of(sk_X509_value(carried, i));
        break;
      }
    }
    if (out.document_signer_certificate.empty()) {
      out.signature_error = "the SOD does not carry its signer's certificate";
    } else {
      std::unique_ptr<BIO, decltype(&BIO_free)> sink(BIO_new(BIO_s_null()), &BIO_free);
      // The chain is checked on its own below, against the verifier's list alone.
      if (CMS_verify(cms.get(), nullptr, nullptr, nullptr, sink.get(), CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1) {
        out.signature_valid = true;
      } else {
        out.signature_error = "the SOD's signature does not verify: " + openssl_error();
      }
    }
  }
  if (carried != nullptr) sk_X509_pop_free(carried, X509_free);
}

void check_chain(const std::vector<std::vector<std::uint8_t>>& trusted_cscas, std::int64_t now,
                 PassiveAuthentication& out) {
  const unsigned char* p = out.document_signer_certificate.data();
  X509Ptr ds(d2i_X509(nullptr, &p, static_cast<long>(out.document_signer_certificate.size())), &X509_free);
  if (!ds) {
    out.chain_error = "no Document Signer certificate";
    return;
  }
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
  for (const auto& der : trusted_cscas) {
    const unsigned char* q = der.data();
    X509Ptr csca(d2i_X509(nullptr, &q, static_cast<long>(der.size())), &X509_free);
    if (csca) X509_STORE_add_cert(store.get(), csca.get());
  }
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(), &X509_STORE_CTX_free);
  // No untrusted certificates: the chain is the DS and a trusted CSCA, nothing the chip adds.
  X509_STORE_CTX_init(context.get(), store.get(), ds.get(), nullptr);
  X509_VERIFY_PARAM* parameters = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_time(parameters, static_cast<time_t>(now));
  X509_VERIFY_PARAM_set_depth(parameters, 1);
  if (X509_verify_cert(context.get()) == 1) {
    out.chain_valid = true;
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(context.get());
    if (chain != nullptr && sk_X509_num(chain) >= 2) {
      out.csca = certificate_subject(der_of(sk_X509_value(chain, sk_X509_num(chain) - 1)));
    }
  } else {
    const int error = X509_STORE_CTX_get_error(context.get());
    out.chain_error = fmt::format("the Document Signer does not chain to a trusted CSCA: {}",
                                  X509_verify_cert_error_string(error));
  }
  ERR_clear_error();
}

}  // namespace

std::string_view group_hash_id(GroupHash result) {
  switch (result) {
    case GroupHash::kMatch: return "match";
    case GroupHash::kMismatch: return "mismatch";
    case GroupHash::kNotRead: return "not_read";
    case GroupHash::kNotSigned: return "not_signed";
  }
  return "unknown";
}

bool PassiveAuthentication::passed() const {
  if (!sod_error.empty() || !signature_valid || !chain_valid) return false;
  for (const auto& [group, result] : groups) {
    if (result == GroupHash::kMismatch || result == GroupHash::kNotSigned) return false;
  }
  return true;
}

PassiveAuthentication passive_authentication(const std::map<int, std::vector<std::uint8_t>>& groups,
                                             std::span<const std::uint8_t> ef_sod,
                                             const std::vector<std::vector<std::uint8_t>>& trusted_cscas,
                                             std::int64_t now_unix_seconds) {
  PassiveAuthentication out;
  auto sod = read_ef_sod(ef_sod);
  if (!sod) {
    out.sod_error = sod.error().message;
    out.signature_error = out.chain_error = "EF.SOD could not be read";
    return out;
  }
  out.hash_algorithm = sod->security_object.hash_algorithm;
  for (const auto& [group, hash] : sod->security_object.hashes) out.groups[group] = GroupHash::kNotRead;
  for (const auto& [group, bytes] : groups) {
    const auto listed = sod->security_object.hashes.find(group);
    if (listed == sod->security_object.hashes.end()) {
      out.groups[group] = GroupHash::kNotSigned;
    } else {
      out.groups[group] = lds_hash(out.hash_algorithm, bytes) == listed->second ? GroupHash::kMatch : GroupHash::kMismatch;
    }
  }
  check_signature(sod->content_info, out);
  if (out.document_signer_certificate.empty()) {
    out.chain_error = "no Document Signer certificate to chain";
  } else {
    out.document_signer = certificate_subject(out.document_signer_certificate);
    check_chain(trusted_cscas, now_unix_seconds, out);
  }
  return out;
}

}  // namespace ektp::card
