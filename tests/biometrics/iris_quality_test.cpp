// Iris checks on synthetic eye images (there is no iris data set in shared/): a dark pupil in
// a textured iris on a lighter sclera, with eyelash-like strokes and a specular highlight.
#include "biometrics/iris_quality.h"

#include <cmath>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

cv::Mat synthetic_eye(cv::Size size = {640, 480}, int seed = 5) {
  cv::Mat eye(size, CV_8UC1, cv::Scalar(175));  // sclera and skin
  cv::RNG rng(static_cast<std::uint64_t>(seed));
  const cv::Point centre(size.width / 2, size.height / 2);
  const double unit = size.height / 480.0;
  const int iris_r = static_cast<int>(115 * unit), pupil_r = static_cast<int>(42 * unit);
  // Iris: radial crypts and furrows, from a sum of angular sinusoids and noise.
  for (int y = 0; y < size.height; ++y) {
    auto* row = eye.ptr<std::uint8_t>(y);
    for (int x = 0; x < size.width; ++x) {
      const double dx = x - centre.x, dy = y - centre.y;
      const double r = std::hypot(dx, dy);
      if (r > iris_r) continue;
      const double a = std::atan2(dy, dx);
      const double texture = 18 * std::sin(37 * a + r / (6 * unit)) +
                             12 * std::sin(11 * a - r / (9 * unit)) +
                             8 * std::sin(r / (2.5 * unit));
      row[x] = cv::saturate_cast<std::uint8_t>(95 + texture + rng.gaussian(6));
    }
  }
  cv::circle(eye, centre, pupil_r, cv::Scalar(22), cv::FILLED);
  cv::circle(eye, centre + cv::Point(pupil_r / 2, -pupil_r / 2), static_cast<int>(6 * unit),
             cv::Scalar(250), cv::FILLED);  // specular reflection of the illuminator
  for (int i = 0; i < 40; ++i) {            // eyelashes over the upper lid
    const int x = centre.x - iris_r + rng.uniform(0, 2 * iris_r);
    cv::line(eye, {x, centre.y - iris_r - 10}, {x + rng.uniform(-15, 15), centre.y - iris_r + 25},
             cv::Scalar(40), 2);
  }
  return eye;
}

std::vector<std::uint8_t> png(const cv::Mat& image) {
  std::vector<std::uint8_t> out;
  cv::imencode(".png", image, out);
  return out;
}

IrisReport check(const cv::Mat& image) {
  auto report = check_iris(png(image));
  if (!report) throw std::runtime_error(report.error().message);
  return *report;
}

std::vector<std::string> failed(const IrisReport& r) { return failed_ids(r.checks); }

double value(const IrisReport& r, std::string_view id) { return find_check(r.checks, id)->value; }

using Ids = std::vector<std::string>;

// Measured on the synthetic eye (640x480): mean 162, RMS contrast 0.21, focus 223. Blurred
// (sigma 1 / 2 / 3 / 4 px): focus 64 / 14 / 4.2 / 1.7. Darkened to 20%: mean 32, contrast and
// focus unchanged. Brightened by 80: mean 242. A quarter of the grey range: contrast 0.057.
TEST(IrisQuality, SharpWellExposedEyePasses) {
  const auto report = check(synthetic_eye());
  EXPECT_TRUE(report.ok) << ::testing::PrintToString(failed(report));
  EXPECT_EQ(report.width, 640);
  EXPECT_EQ(report.height, 480);
  EXPECT_EQ(report.checks.size(), 6u);
  EXPECT_EQ(report.quality_score, 100);
  EXPECT_GT(value(report, iris_rule::kBlurred), 100.0);
}

TEST(IrisQuality, BlurLowersTheScoreThenFailsBlurred) {
  const cv::Mat eye = synthetic_eye();
  cv::Mat soft, blurred;
  cv::GaussianBlur(eye, soft, cv::Size(), 2.0);
  cv::GaussianBlur(eye, blurred, cv::Size(), 4.0);
  const auto soft_report = check(soft);
  EXPECT_TRUE(soft_report.ok);
  EXPECT_LT(soft_report.quality_score, 80);
  EXPECT_GT(soft_report.quality_score, 0);
  const auto report = check(blurred);
  EXPECT_EQ(failed(report), Ids{"blurred"});
  EXPECT_LT(value(report, iris_rule::kBlurred), value(soft_report, iris_rule::kBlurred) / 4);
  EXPECT_EQ(report.quality_score, 0);
}

TEST(IrisQuality, ExposureRules) {
  const cv::Mat eye = synthetic_eye();
  cv::Mat dark, bright;
  eye.convertTo(dark, -1, 0.2, 0);
  eye.convertTo(bright, -1, 1.0, 80);
  EXPECT_EQ(failed(check(dark)), (Ids{"too_dark"}));
  EXPECT_EQ(failed(check(bright)), (Ids{"too_bright"}));
  EXPECT_EQ(check(dark).quality_score, 0);
}

TEST(IrisQuality, FlatImageFailsLowContrast) {
  const cv::Mat eye = synthetic_eye();
  cv::Mat flat;
  eye.convertTo(flat, -1, 0.25, 110);  // the same picture in a quarter of the grey range
  EXPECT_EQ(failed(check(flat)), (Ids{"low_contrast"}));
  const cv::Mat grey(480, 640, CV_8UC1, cv::Scalar(120));
  const auto blank = check(grey);
  EXPECT_EQ(failed(blank), (Ids{"blurred", "low_contrast"}));
  EXPECT_EQ(blank.quality_score, 0);
}

TEST(IrisQuality, WrongSizesAreNamedRules) {
  const auto small = check(synthetic_eye({300, 225}));
  EXPECT_EQ(failed(small), Ids{"image_too_small"});
  EXPECT_NEAR(value(small, iris_rule::kImageTooSmall), 300.0 / 320.0, 1e-9);
  const auto narrow = check(synthetic_eye({640, 200}));
  EXPECT_EQ(failed(narrow)[0], "image_too_small");
  const auto large = check(synthetic_eye({2400, 1800}));
  EXPECT_EQ(failed(large), Ids{"image_too_large"});
  EXPECT_TRUE(check(synthetic_eye({2048, 1536})).ok);
}

TEST(IrisQuality, RefusesBadInput) {
  EXPECT_ERROR(check_iris({}), ErrorCode::kInvalidArgument, "iris: not a JPEG or PNG image");
  std::mt19937 rng(3);
  std::vector<std::uint8_t> noise(2000);
  for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
  EXPECT_ERROR(check_iris(noise), ErrorCode::kInvalidArgument, "iris: not a JPEG or PNG image");
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", synthetic_eye(), jpeg);
  jpeg.resize(jpeg.size() / 2);
  EXPECT_ERROR(check_iris(jpeg), ErrorCode::kInvalidArgument, "truncated");
  std::vector<std::uint8_t> huge = png(cv::Mat(100, 100, CV_8UC1, cv::Scalar(0)));
  huge[16] = 0x00; huge[17] = 0x00; huge[18] = 0x4E; huge[19] = 0x20;  // width 20000
  EXPECT_ERROR(check_iris(huge), ErrorCode::kInvalidArgument, "at most 6000");
}

}  // namespace
}  // namespace ektp::biometrics
