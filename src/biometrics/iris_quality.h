// Quality checks on an iris image at enrollment (both eyes are stored; matching is a later step):
// size, exposure, focus and contrast, each failed rule named, plus a 0..100 quality score to
// store with the image. Pure (no I/O); thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "biometrics/quality_check.h"
#include "core/error.h"

namespace ektp::biometrics {

// Rule ids, in the order they appear in a report.
namespace iris_rule {
inline constexpr std::string_view kImageTooSmall = "image_too_small";
inline constexpr std::string_view kImageTooLarge = "image_too_large";
inline constexpr std::string_view kTooDark = "too_dark";
inline constexpr std::string_view kTooBright = "too_bright";
inline constexpr std::string_view kBlurred = "blurred";
inline constexpr std::string_view kLowContrast = "low_contrast";
}  // namespace iris_rule

struct IrisReport {
  bool ok = false;        // no rule failed
  int width = 0;          // px
  int height = 0;
  // 0..100, 0 when a rule failed: a weighted geometric mean of how far focus (weight 0.4),
  // contrast (0.3) and exposure (0.3) are from their limits.
  int quality_score = 0;
  std::vector<QualityCheck> checks;
};

// Decodes a PNG or JPEG iris image (to grey) and applies every rule. kInvalidArgument
// ("iris: ...") for bytes that are empty, not PNG/JPEG, truncated, or over the capture limits
// (checked on the header before decoding). Sizes within those limits but outside ISO/IEC
// 19794-6-like bounds (320x240 .. 2048x2048) are failed rules, not errors.
Result<IrisReport> check_iris(std::span<const std::uint8_t> encoded);

}  // namespace ektp::biometrics
