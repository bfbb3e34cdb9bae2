#include "biometrics/signature_check.h"

#include <algorithm>
#include <exception>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "biometrics/capture_parameters.h"
#include "biometrics/detail/capture_image.h"

namespace ektp::biometrics {

namespace {

namespace p = capture;
namespace rule = signature_rule;

constexpr detail::DecodeLimits kSignatureLimits{p::signature_bytes_max, p::signature_side_px_max,
                                                p::signature_pixels_max, p::signature_side_px_min};

constexpr std::string_view kEmptyMessage = "Tanda tangan kosong; minta penduduk menandatangani.";
constexpr std::string_view kTooSmallMessage =
    "Tanda tangan terlalu kecil; minta penduduk menandatangani lebih besar.";
constexpr std::string_view kTooDenseMessage =
    "Tanda tangan tidak jelas (terlalu banyak tinta); hapus dan ulangi.";

// The canvas as it would look printed on white paper: transparent pixels are white whatever
// colour they carry (a cleared canvas is transparent *black*), half-transparent ones blend.
cv::Mat over_white(const cv::Mat& canvas) {
  if (canvas.channels() != 4) return detail::to_grey(canvas);
  cv::Mat grey = detail::to_grey(canvas);
  cv::Mat alpha;
  cv::extractChannel(canvas, alpha, 3);
  cv::Mat out(canvas.size(), CV_8UC1);
  for (int y = 0; y < canvas.rows; ++y) {
    const auto* g = grey.ptr<std::uint8_t>(y);
    const auto* a = alpha.ptr<std::uint8_t>(y);
    auto* o = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < canvas.cols; ++x) {
      o[x] = static_cast<std::uint8_t>((g[x] * a[x] + 255 * (255 - a[x]) + 127) / 255);
    }
  }
  return out;
}

// Crops to the ink with a margin (white beyond the canvas edge) and stretches grey so that the
// darkest ink is black and anything at or above capture::signature_white_grey is white.
Result<std::vector<std::uint8_t>> normalised_png(const cv::Mat& paper, const cv::Rect& ink,
                                                 cv::Size& size) {
  const int margin = std::max(p::signature_margin_px_min,
                              static_cast<int>(p::signature_margin_ratio * ink.height));
  const cv::Rect want(ink.x - margin, ink.y - margin, ink.width + 2 * margin,
                      ink.height + 2 * margin);
  const cv::Rect inside = want & cv::Rect(0, 0, paper.cols, paper.rows);
  cv::Mat cropped;
  cv::copyMakeBorder(paper(inside), cropped, inside.y - want.y,
                     want.y + want.height - inside.y - inside.height, inside.x - want.x,
                     want.x + want.width - inside.x - inside.width, cv::BORDER_CONSTANT,
                     cv::Scalar(255));
  double darkest = 0.0;
  cv::minMaxLoc(cropped, &darkest);
  const double white = p::signature_white_grey;
  const double gain = 255.0 / std::max(1.0, white - darkest);
  cv::Mat out;
  cropped.convertTo(out, CV_8U, gain, -darkest * gain);  // saturates above `white` to 255
  std::vector<std::uint8_t> png;
  if (!cv::imencode(".png", out, png)) {
    return make_error(ErrorCode::kInternal, "signature: PNG encoding failed");
  }
  size = out.size();
  return png;
}

Result<SignatureResult> judge_signature(const cv::Mat& canvas) {
  SignatureResult result;
  result.canvas_width = canvas.cols;
  result.canvas_height = canvas.rows;
  const cv::Mat paper = over_white(canvas);
  const cv::Mat ink = paper < p::signature_ink_grey_max;
  result.ink_pixels = cv::countNonZero(ink);
  auto& out = result.checks;
  out.push_back(judge(rule::kEmpty, result.ink_pixels, p::signature_ink_pixels_min, Bound::kMin,
                      kEmptyMessage));
  if (out.back().outcome == CheckOutcome::kFail) {
    out.push_back(skipped(rule::kTooSmall, 1.0, Bound::kMin, kTooSmallMessage));
    out.push_back(skipped(rule::kTooDense, p::signature_ink_density_max, Bound::kMax,
                          kTooDenseMessage));
    return result;
  }
  const cv::Rect box = cv::boundingRect(ink);
  result.ink_box = {box.x, box.y, box.width, box.height};
  // Share of the required extent, the smaller of width and height: >= 1 passes.
  const double extent =
      std::min(box.width / (p::signature_box_width_ratio_min * canvas.cols),
               box.height / (p::signature_box_height_ratio_min * canvas.rows));
  out.push_back(judge(rule::kTooSmall, extent, 1.0, Bound::kMin, kTooSmallMessage));
  const double density = static_cast<double>(result.ink_pixels) / box.area();
  out.push_back(judge(rule::kTooDense, density, p::signature_ink_density_max, Bound::kMax,
                      kTooDenseMessage));
  result.ok = all_passed(out);
  if (result.ok) {
    cv::Size size;
    auto png = normalised_png(paper, box, size);
    if (!png) return std::unexpected(png.error());
    result.png = std::move(*png);
    result.png_width = size.width;
    result.png_height = size.height;
  }
  return result;
}

}  // namespace

Result<SignatureResult> check_signature(std::span<const std::uint8_t> encoded) {
  auto canvas = detail::decode_capture(encoded, kSignatureLimits, detail::DecodeMode::kUnchanged,
                                       "signature");
  if (!canvas) return std::unexpected(canvas.error());
  try {
    return judge_signature(*canvas);
  } catch (const std::exception& e) {  // cv::Exception or bad_alloc inside OpenCV
    return make_error(ErrorCode::kInternal, std::string("signature check failed: ") + e.what());
  }
}

}  // namespace ektp::biometrics
