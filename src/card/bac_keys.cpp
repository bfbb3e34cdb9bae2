#include "card/bac_keys.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>

#include <fmt/format.h>

namespace ektp::card {

namespace {

std::array<std::uint8_t, 20> sha1(const std::uint8_t* data, std::size_t size) {
  std::array<std::uint8_t, 20> out{};
  unsigned int length = 0;
  EVP_Digest(data, size, out.data(), &length, EVP_sha1(), nullptr);
  return out;
}

// Each byte's lowest bit makes the number of ones odd (DES parity).
std::uint8_t with_odd_parity(std::uint8_t b) {
  const std::uint8_t high = b & 0xFE;
  return static_cast<std::uint8_t>(high | (std::popcount(high) % 2 == 0 ? 1 : 0));
}

}  // namespace

DesKey16 derive_des_key(const DesKey16& seed, std::uint32_t counter) {
  std::array<std::uint8_t, 20> input{};
  std::copy(seed.begin(), seed.end(), input.begin());
  for (int i = 0; i < 4; ++i) input[16 + i] = static_cast<std::uint8_t>(counter >> (24 - 8 * i));
  const auto h = sha1(input.data(), input.size());
  DesKey16 key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = with_odd_parity(h[i]);
  return key;
}

Result<BacKeys> derive_bac_keys(std::string_view mrz_information) {
  if (mrz_information.size() < 24 || mrz_information.size() > 64) {
    return invalid_argument(fmt::format("MRZ information: {} characters, 24 to 64", mrz_information.size()));
  }
  for (char c : mrz_information) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '<')) {
      return invalid_argument("MRZ information: only A-Z, 0-9 and '<'");
    }
  }
  const auto h = sha1(reinterpret_cast<const std::uint8_t*>(mrz_information.data()), mrz_information.size());
  BacKeys keys;
  std::copy_n(h.begin(), keys.seed.size(), keys.seed.begin());
  keys.enc = derive_des_key(keys.seed, 1);
  keys.mac = derive_des_key(keys.seed, 2);
  return keys;
}

}  // namespace ektp::card
