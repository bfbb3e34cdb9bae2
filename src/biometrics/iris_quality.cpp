#include "biometrics/iris_quality.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "biometrics/capture_parameters.h"
#include "biometrics/detail/capture_image.h"

namespace ektp::biometrics {

namespace {

namespace p = capture;
namespace rule = iris_rule;

constexpr detail::DecodeLimits kIrisLimits{p::image_bytes_max, p::image_side_px_max,
                                           p::image_pixels_max, p::image_side_px_min};

// Variance of the Laplacian with the image resampled to a fixed long side, so that the figure
// is about focus rather than about how many pixels the camera has, and scaled to a mean grey of
// 128, so that a dark picture is judged by too_dark and not also as blurred.
double sharpness(const cv::Mat& grey, double grey_mean) {
  const double scale =
      static_cast<double>(p::iris_sharpness_long_side_px) / std::max(grey.cols, grey.rows);
  cv::Mat fixed, laplacian;
  cv::resize(grey, fixed, cv::Size(), scale, scale,
             scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Laplacian(fixed, laplacian, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  const double exposure = 128.0 / std::max(grey_mean, 16.0);
  return stddev[0] * stddev[0] * exposure * exposure;
}

// Each factor is 0 at its rule's limit and 1 when comfortably past it: focus at 3x its
// minimum, contrast at 2x, exposure in the middle half of the allowed range.
int quality_score(double focus, double contrast, double mean) {
  const double f =
      std::clamp((focus - p::iris_sharpness_min) / (2.0 * p::iris_sharpness_min), 0.0, 1.0);
  const double c = std::clamp((contrast - p::iris_contrast_min) / p::iris_contrast_min, 0.0, 1.0);
  const double mid = (p::iris_mean_min + p::iris_mean_max) / 2.0;
  const double quarter = (p::iris_mean_max - p::iris_mean_min) / 4.0;
  const double e = std::clamp(2.0 - std::abs(mean - mid) / quarter, 0.0, 1.0);
  const double score = 100.0 * std::pow(f, 0.4) * std::pow(c, 0.3) * std::pow(e, 0.3);
  return static_cast<int>(std::lround(score));
}

IrisReport judge_iris(const cv::Mat& grey) {
  IrisReport report;
  report.width = grey.cols;
  report.height = grey.rows;
  auto& out = report.checks;
  // Size relative to the bound: >= 1 when both sides reach the minimum, <= 1 within the maximum.
  const double small = std::min(static_cast<double>(grey.cols) / p::iris_width_px_min,
                                static_cast<double>(grey.rows) / p::iris_height_px_min);
  const double large = static_cast<double>(std::max(grey.cols, grey.rows)) / p::iris_side_px_max;
  out.push_back(judge(rule::kImageTooSmall, small, 1.0, Bound::kMin,
                      "Citra iris terlalu kecil; minimal 320x240 piksel."));
  out.push_back(judge(rule::kImageTooLarge, large, 1.0, Bound::kMax,
                      "Citra iris terlalu besar; maksimal 2048x2048 piksel."));
  cv::Scalar mean, stddev;
  cv::meanStdDev(grey, mean, stddev);
  out.push_back(judge(rule::kTooDark, mean[0], p::iris_mean_min, Bound::kMin,
                      "Citra iris terlalu gelap; periksa penerangan inframerah."));
  out.push_back(judge(rule::kTooBright, mean[0], p::iris_mean_max, Bound::kMax,
                      "Citra iris terlalu terang; kurangi penerangan."));
  const double focus = sharpness(grey, mean[0]);
  out.push_back(judge(rule::kBlurred, focus, p::iris_sharpness_min, Bound::kMin,
                      "Citra iris buram; minta penduduk diam dan atur jarak kamera."));
  const double contrast = mean[0] > 0.0 ? stddev[0] / mean[0] : 0.0;
  out.push_back(judge(rule::kLowContrast, contrast, p::iris_contrast_min, Bound::kMin,
                      "Kontras citra iris terlalu rendah."));
  report.ok = all_passed(out);
  report.quality_score = report.ok ? quality_score(focus, contrast, mean[0]) : 0;
  return report;
}

}  // namespace

Result<IrisReport> check_iris(std::span<const std::uint8_t> encoded) {
  auto grey = detail::decode_capture(encoded, kIrisLimits, detail::DecodeMode::kGrey, "iris");
  if (!grey) return std::unexpected(grey.error());
  try {
    return judge_iris(*grey);
  } catch (const std::exception& e) {  // cv::Exception or bad_alloc inside OpenCV
    return make_error(ErrorCode::kInternal, std::string("iris check failed: ") + e.what());
  }
}

}  // namespace ektp::biometrics
