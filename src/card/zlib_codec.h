// zlib (RFC 1950) compression for QR payloads, and an inflate that never grows past a cap: a
// QR's few kilobytes can hold a "zlib bomb" that inflates a thousandfold, so the output buffer
// stops at `output_bytes_max` and the input is refused rather than the memory spent. Pure
// functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.h"

namespace ektp::card {

// zlib stream at the best compression. Deterministic for one zlib version; readers must not
// compare compressed bytes, only what they inflate to.
std::vector<std::uint8_t> zlib_compress(std::span<const std::uint8_t> bytes);

// What one inflate held at most: zlib's own state and window plus the output buffer.
struct InflateMemory {
  std::size_t bytes_peak = 0;
};

// The inflated bytes of one complete zlib stream. kInvalidArgument (reason "zlib") for what is
// not a zlib stream, a corrupt or truncated one, bytes after its end, or one that inflates past
// `output_bytes_max` ("zlib: inflates past 65536 bytes"). `memory`, when given, reports the peak.
Result<std::vector<std::uint8_t>> zlib_inflate_bounded(std::span<const std::uint8_t> bytes,
                                                       std::size_t output_bytes_max,
                                                       InflateMemory* memory = nullptr);

}  // namespace ektp::card
