// Internal to src/biometrics (includes OpenCV, which the module keeps private): decoding of
// untrusted capture bytes (photo, iris, signature) into a cv::Mat with limits checked on the
// header before any pixel is decoded. Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <opencv2/core.hpp>

#include "core/error.h"

namespace ektp::biometrics::detail {

struct DecodeLimits {
  std::size_t bytes_max = 0;
  std::int64_t side_px_max = 0;
  std::int64_t pixels_max = 0;
  std::int64_t side_px_min = 0;
};

enum class DecodeMode {
  kColour,     // 8-bit BGR
  kGrey,       // 8-bit grey
  kUnchanged,  // 8-bit, 1, 3 or 4 channels (BGRA keeps a PNG's alpha)
};

// Decodes PNG or JPEG bytes. kInvalidArgument, with messages starting "<what>: ", for empty or
// non-PNG/JPEG bytes, more than bytes_max, a header claiming a side or pixel count over the
// limits (refused before decoding), a truncated or corrupt file, or a side under side_px_min.
Result<cv::Mat> decode_capture(std::span<const std::uint8_t> bytes, const DecodeLimits& limits,
                               DecodeMode mode, std::string_view what);

// A grey copy of a 1-, 3- or 4-channel 8-bit image (alpha ignored).
cv::Mat to_grey(const cv::Mat& image);

}  // namespace ektp::biometrics::detail
