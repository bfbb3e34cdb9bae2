#include "card/chip_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

namespace ektp::card {

Key32 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message) {
  Key32 out{};
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), message.data(), message.size(), out.data(), &n);
  return out;
}

Key32 diversify_chip_key(const Key32& master, std::string_view label, std::span<const std::uint8_t> serial) {
  std::vector<std::uint8_t> message(label.begin(), label.end());
  message.insert(message.end(), serial.begin(), serial.end());
  return hmac_sha256(master, message);
}

Key32 challenge_answer(const Key32& key, std::span<const std::uint8_t> challenge, std::span<const std::uint8_t> serial) {
  std::vector<std::uint8_t> message(challenge.begin(), challenge.end());
  message.insert(message.end(), serial.begin(), serial.end());
  return hmac_sha256(key, message);
}

bool same_mac(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ektp::card
