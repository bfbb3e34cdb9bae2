// CRC-32 (IEEE 802.3, reflected, as in zlib/PNG) for template and gallery integrity.
// Pure; thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <span>

namespace ektp::biometrics {

std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t seed = 0);

}  // namespace ektp::biometrics
