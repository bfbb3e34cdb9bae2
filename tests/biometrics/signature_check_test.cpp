// Signatures as an HTML canvas sends them: RGBA PNGs on a transparent background (transparent
// *black*, as a cleared canvas is), drawn here with OpenCV's anti-aliased strokes.
#include "biometrics/signature_check.h"

#include <cmath>
#include <random>

#include <gmock/gmock.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "biometrics/capture_parameters.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

cv::Mat transparent_canvas(cv::Size size = {600, 200}) {
  return cv::Mat(size, CV_8UC4, cv::Scalar(0, 0, 0, 0));
}

// A looping cursive stroke across the middle of the canvas, and an underline.
void draw_signature(cv::Mat& canvas, const cv::Scalar& ink) {
  std::vector<cv::Point> stroke;
  const double w = canvas.cols, h = canvas.rows;
  for (int i = 0; i <= 400; ++i) {
    const double t = i / 400.0;
    const double x = w * (0.18 + 0.6 * t) + 0.05 * w * std::cos(t * 40.0);
    const double y = h * (0.5 - 0.22 * std::sin(t * 40.0) * (1 - 0.5 * t));
    stroke.emplace_back(static_cast<int>(x), static_cast<int>(y));
  }
  cv::polylines(canvas, stroke, false, ink, 3, cv::LINE_AA);
  cv::line(canvas, {static_cast<int>(0.15 * w), static_cast<int>(0.8 * h)},
           {static_cast<int>(0.8 * w), static_cast<int>(0.75 * h)}, ink, 2, cv::LINE_AA);
}

std::vector<std::uint8_t> png(const cv::Mat& image) {
  std::vector<std::uint8_t> out;
  cv::imencode(".png", image, out);
  return out;
}

std::vector<std::string> failed(const SignatureResult& r) { return failed_ids(r.checks); }

using Ids = std::vector<std::string>;

TEST(SignatureCheck, CanvasSignatureIsCroppedToBlackOnWhite) {
  cv::Mat canvas = transparent_canvas();
  draw_signature(canvas, cv::Scalar(40, 30, 20, 255));
  auto result = check_signature(png(canvas));
  ASSERT_OK(result);
  EXPECT_TRUE(result->ok) << ::testing::PrintToString(failed(*result));
  EXPECT_EQ(result->canvas_width, 600);
  EXPECT_EQ(result->canvas_height, 200);
  EXPECT_GT(result->ink_pixels, 1000);
  EXPECT_NEAR(result->ink_box.x, 0.15 * 600, 6);
  EXPECT_GT(result->ink_box.width, 350);
  ASSERT_FALSE(result->png.empty());

  const cv::Mat stored = cv::imdecode(cv::Mat(result->png, false), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(stored.type(), CV_8UC1);
  EXPECT_EQ(stored.cols, result->png_width);
  EXPECT_EQ(stored.rows, result->png_height);
  // Cropped: the ink box plus a margin on each side, far smaller than the canvas.
  EXPECT_GT(stored.cols, result->ink_box.width);
  EXPECT_LE(stored.cols, result->ink_box.width + 2 * 12);
  EXPECT_LT(stored.rows, 200);
  // White paper (corners and margins), black ink.
  EXPECT_EQ(stored.at<std::uint8_t>(0, 0), 255);
  EXPECT_EQ(stored.at<std::uint8_t>(stored.rows - 1, stored.cols - 1), 255);
  double darkest = 0, lightest = 0;
  cv::minMaxLoc(stored, &darkest, &lightest);
  EXPECT_EQ(darkest, 0);
  EXPECT_EQ(lightest, 255);
  EXPECT_NEAR(cv::countNonZero(stored < 128), result->ink_pixels, result->ink_pixels / 10);
}

TEST(SignatureCheck, EmptyTransparentCanvasFailsSignatureEmpty) {
  auto result = check_signature(png(transparent_canvas()));
  ASSERT_OK(result);
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(failed(*result), Ids{"signature_empty"});
  EXPECT_EQ(result->ink_pixels, 0);
  EXPECT_TRUE(result->png.empty());
  EXPECT_EQ(find_check(result->checks, signature_rule::kTooSmall)->outcome,
            CheckOutcome::kSkipped);
  // A few stray pixels are still empty.
  cv::Mat dots = transparent_canvas();
  for (int i = 0; i < 5; ++i) {
    cv::circle(dots, {100 + 80 * i, 100}, 2, cv::Scalar(0, 0, 0, 255), cv::FILLED);
  }
  auto stray = check_signature(png(dots));
  ASSERT_OK(stray);
  EXPECT_EQ(failed(*stray), Ids{"signature_empty"});
}

TEST(SignatureCheck, ScribbleInACornerFailsTooSmall) {
  cv::Mat canvas = transparent_canvas();
  cv::ellipse(canvas, {40, 40}, {20, 12}, 0, 0, 360, cv::Scalar(0, 0, 0, 255), 3, cv::LINE_AA);
  auto result = check_signature(png(canvas));
  ASSERT_OK(result);
  EXPECT_EQ(failed(*result), Ids{"signature_too_small"});
  EXPECT_TRUE(result->png.empty());
  // A straight flat line is wide but has no height (and its thin box is all ink).
  cv::Mat line = transparent_canvas();
  cv::line(line, {50, 100}, {550, 100}, cv::Scalar(0, 0, 0, 255), 3);
  auto flat = check_signature(png(line));
  ASSERT_OK(flat);
  EXPECT_THAT(failed(*flat), ::testing::Contains("signature_too_small"));
}

TEST(SignatureCheck, FilledBlotFailsTooDense) {
  cv::Mat canvas = transparent_canvas();
  cv::rectangle(canvas, cv::Rect(100, 40, 300, 120), cv::Scalar(0, 0, 0, 255), cv::FILLED);
  auto result = check_signature(png(canvas));
  ASSERT_OK(result);
  EXPECT_EQ(failed(*result), Ids{"signature_too_dense"});
  EXPECT_NEAR(find_check(result->checks, signature_rule::kTooDense)->value, 1.0, 0.01);
}

TEST(SignatureCheck, OpaqueWhiteCanvasWithBlueInkAndSixteenBitPng) {
  cv::Mat white(200, 600, CV_8UC3, cv::Scalar(255, 255, 255));
  draw_signature(white, cv::Scalar(140, 60, 30));  // dark blue (BGR)
  auto rgb = check_signature(png(white));
  ASSERT_OK(rgb);
  EXPECT_TRUE(rgb->ok) << ::testing::PrintToString(failed(*rgb));

  cv::Mat canvas = transparent_canvas();
  draw_signature(canvas, cv::Scalar(0, 0, 0, 255));
  cv::Mat deep;
  canvas.convertTo(deep, CV_16UC4, 257.0);
  auto sixteen = check_signature(png(deep));
  ASSERT_OK(sixteen);
  EXPECT_TRUE(sixteen->ok);
}

TEST(SignatureCheck, RefusesBadInput) {
  EXPECT_ERROR(check_signature({}), ErrorCode::kInvalidArgument, "signature: not a JPEG or PNG");
  const std::string text = "data:image/png;base64,iVBORw0KGgo=";  // a data URL, not bytes
  EXPECT_ERROR(check_signature(std::span(reinterpret_cast<const std::uint8_t*>(text.data()),
                                         text.size())),
               ErrorCode::kInvalidArgument, "signature: not a JPEG or PNG");
  // Wider than 3000 px, and a header that claims 20000 x 20000 px.
  EXPECT_ERROR(check_signature(png(transparent_canvas({3200, 100}))), ErrorCode::kInvalidArgument,
               "at most 3000");
  std::vector<std::uint8_t> huge = png(transparent_canvas());
  huge[16] = 0; huge[17] = 0; huge[18] = 0x4E; huge[19] = 0x20;
  huge[20] = 0; huge[21] = 0; huge[22] = 0x4E; huge[23] = 0x20;
  EXPECT_ERROR(check_signature(huge), ErrorCode::kInvalidArgument, "20000x20000");
  // Truncated PNG, and bytes over the 2 MiB limit.
  std::vector<std::uint8_t> cut = png(transparent_canvas());
  cut.resize(cut.size() / 2);
  EXPECT_ERROR(check_signature(cut), ErrorCode::kInvalidArgument, "signature: ");
  std::vector<std::uint8_t> big = png(transparent_canvas());
  big.resize(capture::signature_bytes_max + 1);
  EXPECT_ERROR(check_signature(big), ErrorCode::kInvalidArgument, "the limit is");
  // Smaller than 32 px.
  EXPECT_ERROR(check_signature(png(transparent_canvas({20, 20}))), ErrorCode::kInvalidArgument,
               "at least 32");
}

}  // namespace
}  // namespace ektp::biometrics
