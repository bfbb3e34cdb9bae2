// How a client decides to trust the server it reached over TLS, and the pin of a certificate.
//
// A pin is the SHA-256 of the server certificate's SubjectPublicKeyInfo (hex), the value
// `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum` prints: it survives
// a renewed certificate with the same key, and needs no CA.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace ektp::api {

struct TlsTrust {
  std::string ca_file;       // PEM CA certificates to verify the chain and host name against
  std::string spki_sha256;   // a pinned key: the server must present exactly this key
  // Neither: the system's CA store and the host name.
};

// The pin of the first certificate in a PEM file. kInvalidArgument when it is not one.
Result<std::string> certificate_spki_sha256(const std::filesystem::path& pem_file);
// The pin of a DER SubjectPublicKeyInfo.
std::string spki_sha256_of_der(const unsigned char* der, std::size_t size);
// 64 lower-case hex digits.
bool is_spki_pin(std::string_view text);

}  // namespace ektp::api
