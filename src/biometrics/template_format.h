// Our stored template: a compact, versioned binary record with a CRC-32, and validate() for the
// paired checks before writing and after reading. Layout (big-endian):
//   "EKFT" | u8 version=1 | u8 image_quality | u16 width | u16 height | u16 count |
//   count x (u16 x | u16 y | u16 angle in 1/65536 turns | u8 type | u8 quality) | u32 crc32
// The CRC covers everything before it. 10 bytes + 8 per minutia + 4.
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "biometrics/minutia.h"
#include "core/error.h"

namespace ektp::biometrics {

inline constexpr std::uint8_t kTemplateFormatVersion = 1;

// kInvalidArgument when a field is out of range (coordinates, angle, type, count, quality).
Status validate(const FeatureTemplate& t);

// Encodes a validated template. kInvalidArgument if validate() fails.
Result<std::vector<std::uint8_t>> encode_template(const FeatureTemplate& t);

// kDataLoss for a bad magic, length, checksum or an invalid decoded template; kInvalidArgument
// for an unknown version or an oversized input.
Result<FeatureTemplate> decode_template(std::span<const std::uint8_t> bytes);

}  // namespace ektp::biometrics
