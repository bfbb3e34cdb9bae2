// Reading a QR code from a picture: a photo or scan of a printed SUKET (JPEG, PNG, TIFF, BMP),
// decoded with OpenCV and read with ZXing, trying harder (rotations, inverted) as a phone
// picture needs.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/error.h"

namespace ektp::card {

namespace qr_reason {
inline constexpr std::string_view kNotAnImage = "not_an_image";
inline constexpr std::string_view kNoQr = "no_qr";
}  // namespace qr_reason

inline constexpr std::size_t kQrImageBytesMax = 20u << 20;
inline constexpr int kQrImageSideMax = 8000;

// The text of the picture's QR code. kInvalidArgument with qr_reason: bytes that are not an
// image (or over the limits), an image that holds no readable QR code.
Result<std::string> read_qr_from_image(std::span<const std::uint8_t> bytes);

}  // namespace ektp::card
