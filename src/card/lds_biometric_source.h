// Where the chip's biometric data groups come from: the person's newest enrollment that has a
// photo and a signature (the same one the card face is drawn from, card_face_source.h; an
// enrollment decided a duplicate is passed over), its photo made the chip's JPEG, its signature
// PNG and its chosen fingers (choose_chip_fingers) as ISO/IEC 19794-2 records. The image
// conversions (OpenCV) are here so that lds_biometric.h stays pure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "card/lds_biometric.h"
#include "store/database.h"

namespace ektp::card {

struct ChipBiometrics {
  std::string enrollment_id;                // the enrollment they come from
  FaceImage face;                           // for DG2
  std::vector<std::uint8_t> signature_png;  // for DG7
  std::vector<ChipFinger> fingers;          // for DG3; empty when no finger has a template
};

// The photo as the chip's JPEG: unchanged when it already is a JPEG of at most kFaceJpegBytesMax;
// otherwise decoded and re-encoded as JPEG, scaled down (at most kChipFaceWidthMax pixels wide,
// the aspect kept) and its quality lowered until it fits. kInvalidArgument for what does not
// decode as an image, or one that cannot be made small enough.
inline constexpr int kChipFaceWidthMax = 480;
Result<FaceImage> chip_face(std::span<const std::uint8_t> photo);

// The signature as the chip's PNG: unchanged when it is a PNG of at most kSignatureImageBytesMax;
// otherwise decoded and re-encoded as a greyscale PNG, scaled down until it fits.
Result<std::vector<std::uint8_t>> chip_signature(std::span<const std::uint8_t> image);

// kInvalidArgument for a NIK that is not 16 digits; kFailedPrecondition when no enrollment of
// the NIK has a photo and a signature; the conversions' errors, and kDataLoss for a stored
// template that does not decode, naming the enrollment.
Result<ChipBiometrics> load_chip_biometrics(store::Connection& db, std::string_view nik);

}  // namespace ektp::card
