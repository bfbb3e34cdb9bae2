#include "biometrics/image_header.h"

#include <opencv2/imgcodecs.hpp>

#include "support/test_support.h"
#include "test_images.h"

namespace ektp::biometrics {
namespace {

std::vector<std::uint8_t> face_photo_bytes(const std::string& name) {
  return testing::read_bytes(std::filesystem::path(EKTP_TEST_DATA_DIR) / "faces" / name);
}

TEST(ImageHeader, ReadsRealPngAndJpegSizes) {
  auto png = read_image_header(face_photo_bytes("skimage_astronaut_eileen_collins.png"));
  ASSERT_OK(png);
  EXPECT_EQ(png->format, ImageFormat::kPng);
  EXPECT_EQ(png->width, 512);
  EXPECT_EQ(png->height, 512);
  auto jpeg = read_image_header(face_photo_bytes("ageitgey_obama.jpg"));
  ASSERT_OK(jpeg);
  EXPECT_EQ(jpeg->format, ImageFormat::kJpeg);
  EXPECT_EQ(jpeg->width, 910);
  EXPECT_EQ(jpeg->height, 1137);
}

TEST(ImageHeader, ReadsProgressiveJpegAndFindsItsEnd) {
  const cv::Mat image(90, 130, CV_8UC3, cv::Scalar(10, 200, 30));
  std::vector<std::uint8_t> bytes;
  ASSERT_TRUE(cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
  auto header = read_image_header(bytes);
  ASSERT_OK(header);
  EXPECT_EQ(header->width, 130);
  EXPECT_EQ(header->height, 90);
  EXPECT_TRUE(jpeg_has_end_marker(bytes));
  bytes.resize(bytes.size() - 2);
  EXPECT_FALSE(jpeg_has_end_marker(bytes));
}

TEST(ImageHeader, TruncatedRealJpegHasNoEndMarker) {
  auto bytes = face_photo_bytes("matplotlib_grace_hopper.jpg");
  EXPECT_TRUE(jpeg_has_end_marker(bytes));
  bytes.resize(bytes.size() * 2 / 3);
  EXPECT_FALSE(jpeg_has_end_marker(bytes));
  EXPECT_OK(read_image_header(bytes));  // the header itself is intact
}

TEST(ImageHeader, RefusesOtherFormatsAndBrokenHeaders) {
  EXPECT_ERROR(read_image_header({}), ErrorCode::kInvalidArgument, "not a JPEG or PNG");
  const std::vector<std::uint8_t> bmp = {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_ERROR(read_image_header(bmp), ErrorCode::kInvalidArgument, "not a JPEG or PNG");
  // PNG signature without an IHDR chunk after it.
  const std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13,
                                         'I', 'D', 'A', 'T', 0, 0, 1, 0, 0, 0, 1, 0};
  EXPECT_ERROR(read_image_header(png), ErrorCode::kInvalidArgument, "IHDR");
  // JPEG that reaches its scan without a frame header, and one whose segment runs off the end.
  const std::vector<std::uint8_t> no_sof = {0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0x12, 0xFF, 0xD9};
  EXPECT_ERROR(read_image_header(no_sof), ErrorCode::kInvalidArgument, "SOF");
  const std::vector<std::uint8_t> runaway = {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xF0, 1, 2, 3};
  EXPECT_ERROR(read_image_header(runaway), ErrorCode::kInvalidArgument, "SOF");
  // A frame header that says 0 px high.
  const std::vector<std::uint8_t> zero = {0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 0,
                                          0,    10,   1,    1,    0x11, 0};
  EXPECT_ERROR(read_image_header(zero), ErrorCode::kInvalidArgument, "0 px");
}

TEST(ImageHeader, SkipsFillBytesAndStandaloneMarkers) {
  // SOI, fill bytes, a TEM marker (no length), then SOF2 (progressive) with 300 x 200.
  const std::vector<std::uint8_t> bytes = {0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0x01, 0xFF, 0xC2, 0, 11, 8,
                                           0x00, 0xC8, 0x01, 0x2C, 1, 1, 0x11, 0};
  auto header = read_image_header(bytes);
  ASSERT_OK(header);
  EXPECT_EQ(header->width, 300);
  EXPECT_EQ(header->height, 200);
}

}  // namespace
}  // namespace ektp::biometrics
