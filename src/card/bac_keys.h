// The Basic Access Control keys of ICAO 9303 Part 11 §9.7: K_seed, the first 16 bytes of SHA-1
// over the MRZ information (document number, birth date and expiry, each with its check digit),
// and from it the two-key 3DES keys K_enc (counter 1) and K_mac (counter 2), each the first 16
// bytes of SHA-1(K_seed ‖ counter) with the DES parity bits set. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/error.h"

namespace ektp::card {

using DesKey16 = std::array<std::uint8_t, 16>;

struct BacKeys {
  DesKey16 seed{};
  DesKey16 enc{};
  DesKey16 mac{};
};

// kInvalidArgument for MRZ information that is not MRZ characters or too short to hold the three
// fields (24 characters at least).
Result<BacKeys> derive_bac_keys(std::string_view mrz_information);
// Part 11 §9.7.1: K = SHA-1(seed ‖ counter)[0..16] with odd parity in every byte.
DesKey16 derive_des_key(const DesKey16& seed, std::uint32_t counter);

}  // namespace ektp::card
