// Bytes as text for keys, key ids and signatures in JSON: lower-case hex and base64url without
// padding (RFC 4648 §5), both strict: decoding refuses upper-case hex, padding, whitespace and
// a wrong length, so one value has one text form. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::card {

std::string hex_of(std::span<const std::uint8_t> bytes);
// kInvalidArgument unless `text` is exactly `bytes_expected` bytes of lower-case hex.
Result<std::vector<std::uint8_t>> bytes_of_hex(std::string_view text, std::size_t bytes_expected);

std::string base64url_of(std::span<const std::uint8_t> bytes);
// kInvalidArgument unless `text` is exactly `bytes_expected` bytes of unpadded base64url, in the
// one form base64url_of would write.
Result<std::vector<std::uint8_t>> bytes_of_base64url(std::string_view text,
                                                     std::size_t bytes_expected);

}  // namespace ektp::card
