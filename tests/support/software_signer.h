// An ECDSA P-256 key in memory standing in for the HSM in tests of the chip's PKI: it signs a
// digest as the token's DigestSigner does (a DER ECDSA-Sig-Value) and gives its public key as DER
// SubjectPublicKeyInfo. Only for tests: real keys never leave the token (card/pkcs11_token.h).
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

#include "card/security_object.h"

namespace ektp::test {

class SoftwareSigner {
 public:
  SoftwareSigner() : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free) {}

  std::vector<std::uint8_t> public_key() const {
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(key_.get(), &der);
    std::vector<std::uint8_t> out(der, der + n);
    OPENSSL_free(der);
    return out;
  }

  card::DigestSigner signer() {
    return [this](std::span<const std::uint8_t> digest) -> Result<std::vector<std::uint8_t>> {
      ++signatures;
      std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(EVP_PKEY_CTX_new(key_.get(), nullptr),
                                                                          &EVP_PKEY_CTX_free);
      std::size_t n = 0;
      if (EVP_PKEY_sign_init(context.get()) != 1 ||
          EVP_PKEY_sign(context.get(), nullptr, &n, digest.data(), digest.size()) != 1) {
        return make_error(ErrorCode::kInternal, "test signer failed");
      }
      std::vector<std::uint8_t> out(n);
      if (EVP_PKEY_sign(context.get(), out.data(), &n, digest.data(), digest.size()) != 1) {
        return make_error(ErrorCode::kInternal, "test signer failed");
      }
      out.resize(n);
      return out;
    };
  }

  int signatures = 0;

 private:
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

}  // namespace ektp::test
