// A signature drawn on the station's HTML canvas arrives as a PNG, usually RGBA with a
// transparent background. check_signature names what is wrong with it (empty, too small, a
// blot) and, when nothing is, returns the image to store: 8-bit grey, black ink on white,
// cropped to the ink with a margin. Pure (no I/O); thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "biometrics/quality_check.h"
#include "core/error.h"

namespace ektp::biometrics {

namespace signature_rule {
inline constexpr std::string_view kEmpty = "signature_empty";
inline constexpr std::string_view kTooSmall = "signature_too_small";
inline constexpr std::string_view kTooDense = "signature_too_dense";
}  // namespace signature_rule

struct InkBox {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

struct SignatureResult {
  bool ok = false;      // no rule failed
  int canvas_width = 0;  // of the submitted image, px
  int canvas_height = 0;
  int ink_pixels = 0;
  InkBox ink_box;        // on the canvas; all 0 when there is no ink
  std::vector<QualityCheck> checks;
  std::vector<std::uint8_t> png;  // the normalised signature when ok, else empty
  int png_width = 0;
  int png_height = 0;
};

// kInvalidArgument ("signature: ...") for bytes that are empty, not PNG/JPEG, truncated, over
// capture::signature_bytes_max, or whose header claims more than capture::signature_side_px_max
// per side or capture::signature_pixels_max (checked before decoding).
Result<SignatureResult> check_signature(std::span<const std::uint8_t> encoded);

}  // namespace ektp::biometrics
