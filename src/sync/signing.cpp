#include "sync/signing.h"

#include <vector>

#include <fmt/format.h>
#include <sodium.h>

namespace ektp::sync {

namespace {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
}

}  // namespace

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xf]);
  }
  return out;
}

Status from_hex(std::string_view hex, std::uint8_t* out, std::size_t size) {
  if (hex.size() != size * 2) {
    return invalid_argument(fmt::format("expected {} hex digits, got {}", size * 2, hex.size()));
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < size; ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return invalid_argument(fmt::format("hex digit {} is not hex", 2 * i + 1));
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return {};
}

KeyPair generate_key_pair() {
  ensure_sodium();
  std::uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  std::uint8_t sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  KeyPair pair{to_hex(pk, sizeof pk), to_hex(sk, sizeof sk)};
  sodium_memzero(sk, sizeof sk);
  return pair;
}

Result<std::string> sign_hex(std::string_view secret_key_hex, std::string_view message) {
  ensure_sodium();
  std::uint8_t sk[crypto_sign_SECRETKEYBYTES];
  if (auto s = from_hex(secret_key_hex, sk, sizeof sk); !s) {
    return invalid_argument("secret key: " + s.error().message);
  }
  std::uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(), sk);
  sodium_memzero(sk, sizeof sk);
  return to_hex(sig, sizeof sig);
}

bool verify_hex(std::string_view public_key_hex, std::string_view message, std::string_view signature_hex) {
  ensure_sodium();
  std::uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  std::uint8_t sig[crypto_sign_BYTES];
  if (!from_hex(public_key_hex, pk, sizeof pk) || !from_hex(signature_hex, sig, sizeof sig)) return false;
  return crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     pk) == 0;
}

std::string random_hex(std::size_t bytes) {
  ensure_sodium();
  std::vector<std::uint8_t> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  return to_hex(buffer.data(), buffer.size());
}

std::string random_uuid() {
  ensure_sodium();
  std::uint8_t b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
  std::string hex = to_hex(b, sizeof b);
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4), hex.substr(16, 4),
                     hex.substr(20));
}

}  // namespace ektp::sync
