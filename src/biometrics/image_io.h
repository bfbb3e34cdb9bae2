// Decoding of encoded fingerprint images (PNG, BMP, TIFF, PGM) into a GreyImage, and PNG
// encoding for debug dumps. This is the only place that touches OpenCV; the pipeline itself is
// pure. Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "biometrics/grey_image.h"
#include "core/error.h"

namespace ektp::biometrics {

// Decodes bytes to 8-bit grey. kInvalidArgument for empty, oversized, truncated or
// unrecognised data and for images outside parameters::image_side_px_{min,max}.
Result<GreyImage> decode_image(std::span<const std::uint8_t> bytes);

// Encodes a grey image as PNG bytes (for --debug dumps). kInvalidArgument on an empty image.
Result<std::vector<std::uint8_t>> encode_png(const GreyImage& image);

}  // namespace ektp::biometrics
