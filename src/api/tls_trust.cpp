#include "api/tls_trust.h"

#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace ektp::api {

std::string spki_sha256_of_der(const unsigned char* der, std::size_t size) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(der, size, digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Result<std::string> certificate_spki_sha256(const std::filesystem::path& pem_file) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(pem_file.c_str(), "r"), &std::fclose);
  if (!file) return invalid_argument(fmt::format("certificate {} cannot be read", pem_file.string()));
  std::unique_ptr<X509, void (*)(X509*)> certificate(PEM_read_X509(file.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!certificate) return invalid_argument(fmt::format("{} holds no PEM certificate", pem_file.string()));
  unsigned char* der = nullptr;
  const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate.get()), &der);
  if (size <= 0) return invalid_argument(fmt::format("{}: the public key cannot be encoded", pem_file.string()));
  std::string pin = spki_sha256_of_der(der, static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return pin;
}

bool is_spki_pin(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace ektp::api
