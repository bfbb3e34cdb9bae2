// Ed25519 keys and signatures (libsodium) for what stations and central say to each other: a
// station signs each request, central signs each receipt. Also random identifiers. Keys and
// signatures travel as lower-case hex. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ektp::sync {

struct KeyPair {
  std::string public_key_hex;  // 32 bytes
  std::string secret_key_hex;  // 64 bytes (seed + public key)
};

KeyPair generate_key_pair();

// Signs `message` with a secret key in hex. kInvalidArgument for a malformed key.
Result<std::string> sign_hex(std::string_view secret_key_hex, std::string_view message);

// True only when `signature_hex` is a valid signature of `message` by `public_key_hex`.
bool verify_hex(std::string_view public_key_hex, std::string_view message, std::string_view signature_hex);

// A random version-4 UUID ("8-4-4-4-12" lower-case hex).
std::string random_uuid();
// `bytes` random bytes as hex (tokens).
std::string random_hex(std::size_t bytes);

std::string to_hex(const std::uint8_t* data, std::size_t size);
// kInvalidArgument unless `hex` is exactly `size` bytes of hex.
Status from_hex(std::string_view hex, std::uint8_t* out, std::size_t size);

}  // namespace ektp::sync
