#include "biometrics/detail/capture_image.h"

#include <exception>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "biometrics/image_header.h"

namespace ektp::biometrics::detail {

namespace {

std::unexpected<Error> refuse(std::string_view what, const std::string& why) {
  return invalid_argument(std::string(what) + ": " + why);
}

Status check_header(std::span<const std::uint8_t> bytes, const DecodeLimits& limits,
                    std::string_view what) {
  auto header = read_image_header(bytes);
  if (!header) {
    constexpr std::string_view kNotAnImage = "not a JPEG or PNG image";
    const std::string& why = header.error().message;
    return refuse(what, why == kNotAnImage ? why : std::string(kNotAnImage) + " (" + why + ")");
  }
  const std::string size = std::to_string(header->width) + "x" + std::to_string(header->height);
  if (header->width > limits.side_px_max || header->height > limits.side_px_max) {
    return refuse(what, "image is " + size + " px; each side must be at most " +
                            std::to_string(limits.side_px_max) + " px");
  }
  if (header->width * header->height > limits.pixels_max) {
    return refuse(what, "image is " + size + " px; the limit is " +
                            std::to_string(limits.pixels_max) + " pixels");
  }
  if (header->width < limits.side_px_min || header->height < limits.side_px_min) {
    return refuse(what, "image is " + size + " px; each side must be at least " +
                            std::to_string(limits.side_px_min) + " px");
  }
  if (header->format == ImageFormat::kJpeg && !jpeg_has_end_marker(bytes)) {
    return refuse(what, "JPEG is truncated (no end-of-image marker)");
  }
  return {};
}

int imread_flags(DecodeMode mode) {
  switch (mode) {
    case DecodeMode::kColour: return cv::IMREAD_COLOR;
    case DecodeMode::kGrey: return cv::IMREAD_GRAYSCALE;
    case DecodeMode::kUnchanged: return cv::IMREAD_UNCHANGED;
  }
  return cv::IMREAD_COLOR;
}

// 16-bit PNGs come back 16-bit under IMREAD_UNCHANGED; grey+alpha as two channels.
cv::Mat to_8bit_with_alpha(cv::Mat image) {
  if (image.depth() == CV_16U) {
    cv::Mat eight;
    image.convertTo(eight, CV_8U, 1.0 / 257.0);
    image = eight;
  }
  if (image.channels() == 2) {
    cv::Mat planes[2];
    cv::split(image, planes);
    cv::Mat bgra;
    const cv::Mat channels[4] = {planes[0], planes[0], planes[0], planes[1]};
    cv::merge(channels, 4, bgra);
    image = bgra;
  }
  return image;
}

}  // namespace

Result<cv::Mat> decode_capture(std::span<const std::uint8_t> bytes, const DecodeLimits& limits,
                               DecodeMode mode, std::string_view what) {
  if (bytes.empty()) return refuse(what, "not a JPEG or PNG image (0 bytes)");
  if (bytes.size() > limits.bytes_max) {
    return refuse(what, "file is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                            std::to_string(limits.bytes_max));
  }
  if (auto ok = check_header(bytes, limits, what); !ok) return std::unexpected(ok.error());
  cv::Mat decoded;
  try {
    // OpenCV takes a non-const Mat header; imdecode only reads it.
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                         const_cast<std::uint8_t*>(bytes.data()));
    decoded = cv::imdecode(buffer, imread_flags(mode));
    if (!decoded.empty() && mode == DecodeMode::kUnchanged) decoded = to_8bit_with_alpha(decoded);
  } catch (const std::exception& e) {  // cv::Exception, or bad_alloc from a hostile file
    return refuse(what, std::string("image could not be decoded: ") + e.what());
  }
  if (decoded.empty()) return refuse(what, "image could not be decoded (truncated or corrupt)");
  // Checked again on the pixels: the decoder, not the header walk, has the last word.
  if (decoded.cols < limits.side_px_min || decoded.rows < limits.side_px_min ||
      decoded.cols > limits.side_px_max || decoded.rows > limits.side_px_max) {
    return refuse(what, "decoded image is " + std::to_string(decoded.cols) + "x" +
                            std::to_string(decoded.rows) + " px, outside the limits");
  }
  return decoded;
}

cv::Mat to_grey(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat grey;
  cv::cvtColor(image, grey, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  return grey;
}

}  // namespace ektp::biometrics::detail
