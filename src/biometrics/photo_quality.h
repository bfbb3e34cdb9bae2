// Quality checks on an enrollment photo (pas foto 3x4) before it is stored: one face, of the
// right size and centred, on a plain light background, well exposed and sharp. Every rule has a
// stable id, a measured value and its limit (capture_parameters.h), so the station can tell
// the operator exactly what to fix. Pure (no I/O); thread-safety: reentrant, see FaceDetector.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "biometrics/face_detector.h"
#include "biometrics/quality_check.h"
#include "core/error.h"

namespace ektp::biometrics {

// Rule ids, in the order they appear in a report.
namespace photo_rule {
inline constexpr std::string_view kNoFace = "no_face";
inline constexpr std::string_view kMultipleFaces = "multiple_faces";
inline constexpr std::string_view kFaceTooSmall = "face_too_small";
inline constexpr std::string_view kFaceTooLarge = "face_too_large";
inline constexpr std::string_view kFaceOffCentre = "face_off_centre";
inline constexpr std::string_view kFaceResolutionLow = "face_resolution_low";
inline constexpr std::string_view kBackgroundNotPlain = "background_not_plain";
inline constexpr std::string_view kBackgroundNotLight = "background_not_light";
inline constexpr std::string_view kTooDark = "too_dark";
inline constexpr std::string_view kTooBright = "too_bright";
inline constexpr std::string_view kBlurred = "blurred";
}  // namespace photo_rule

struct PhotoReport {
  bool ok = false;  // no rule failed
  int width = 0;    // of the decoded photo, px
  int height = 0;
  int faces = 0;                // faces that count (weak false detections left out)
  std::optional<FaceBox> face;  // the judged face, in photo pixels
  std::vector<QualityCheck> checks;  // every rule, photo_rule order; face rules skipped if no face
};

// Decodes a JPEG or PNG photo and applies every rule. kInvalidArgument (message "photo: ...")
// for bytes that are empty, not JPEG/PNG, over capture::image_bytes_max, truncated, or whose
// header claims more than capture::image_side_px_max per side or capture::image_pixels_max
// (refused before decoding). A photo that decodes always gets a report, failed rules inside.
Result<PhotoReport> check_photo(std::span<const std::uint8_t> encoded,
                                const FaceDetector& detector);

}  // namespace ektp::biometrics
