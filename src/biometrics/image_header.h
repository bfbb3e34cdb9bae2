// The format and pixel size of an encoded PNG or JPEG, read from its header (PNG IHDR, JPEG SOF)
// without decoding, so that a small file claiming a gigantic image can be refused before a
// decoder allocates for it. Pure; thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <span>

#include "core/error.h"

namespace ektp::biometrics {

enum class ImageFormat { kPng, kJpeg };

struct ImageHeader {
  ImageFormat format = ImageFormat::kPng;
  std::int64_t width = 0;
  std::int64_t height = 0;
};

// kInvalidArgument when the bytes are neither PNG nor JPEG, when the header is cut short, when a
// JPEG has no frame header (SOF) before its scan, or when a side is 0.
Result<ImageHeader> read_image_header(std::span<const std::uint8_t> bytes);

// True when a JPEG has an end-of-image marker after its first scan, i.e. was not cut short.
// (libjpeg decodes a truncated file into a grey-filled image with only a warning.)
bool jpeg_has_end_marker(std::span<const std::uint8_t> bytes);

}  // namespace ektp::biometrics
