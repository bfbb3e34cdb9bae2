// Base45 (RFC 9285): bytes as text from the 45 characters a QR code's alphanumeric mode holds
// ("0-9A-Z $%*+-./:"), so a QR of binary data needs no byte mode. Every 2 bytes become 3
// characters and a last odd byte 2, least significant digit first. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::card {

std::string base45_encode(std::span<const std::uint8_t> bytes);

// kInvalidArgument, naming the character at fault by its position counted from 1:
//   "base45: character 17 ('a') is not in the alphabet"
//   "base45: characters 4–6 ("GGW") are 65536, past two bytes"
//   "base45: 7 characters leave 1 over; a text is groups of 3 with at most one group of 2"
Result<std::vector<std::uint8_t>> base45_decode(std::string_view text);

}  // namespace ektp::card
