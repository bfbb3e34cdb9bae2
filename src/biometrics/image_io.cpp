#include "biometrics/image_io.h"

#include <cstring>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "biometrics/parameters.h"

namespace ektp::biometrics {

namespace {

// Reads width/height from the header without decoding pixels, so a tiny file that claims a
// gigantic image is refused before OpenCV allocates for it. 0 = unknown format here.
bool header_dimensions_too_large(std::span<const std::uint8_t> b) {
  auto be32 = [&](std::size_t i) {
    return (std::uint32_t{b[i]} << 24) | (std::uint32_t{b[i + 1]} << 16) |
           (std::uint32_t{b[i + 2]} << 8) | b[i + 3];
  };
  const auto max = static_cast<std::uint32_t>(parameters::image_side_px_max);
  if (b.size() >= 24 && std::memcmp(b.data(), "\x89PNG", 4) == 0) {
    return be32(16) > max || be32(20) > max;
  }
  return false;
}

}  // namespace

Result<GreyImage> decode_image(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return invalid_argument("image is empty (0 bytes)");
  if (bytes.size() > parameters::image_bytes_max) {
    return invalid_argument("image is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                            std::to_string(parameters::image_bytes_max));
  }
  if (header_dimensions_too_large(bytes)) {
    return invalid_argument("image dimensions exceed the limit of " +
                            std::to_string(parameters::image_side_px_max) + " px");
  }
  cv::Mat decoded;
  try {
    // OpenCV takes a non-const Mat header; imdecode only reads it.
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                         const_cast<std::uint8_t*>(bytes.data()));
    decoded = cv::imdecode(buffer, cv::IMREAD_GRAYSCALE | cv::IMREAD_ANYDEPTH);
  } catch (const cv::Exception& e) {
    return invalid_argument(std::string("image could not be decoded: ") + e.what());
  }
  if (decoded.empty() || decoded.cols <= 0 || decoded.rows <= 0) {
    return invalid_argument("image could not be decoded (not PNG/BMP/TIFF/PGM, or truncated)");
  }
  if (decoded.cols < parameters::image_side_px_min || decoded.rows < parameters::image_side_px_min ||
      decoded.cols > parameters::image_side_px_max || decoded.rows > parameters::image_side_px_max) {
    return invalid_argument("image is " + std::to_string(decoded.cols) + "x" +
                            std::to_string(decoded.rows) + " px; each side must be within " +
                            std::to_string(parameters::image_side_px_min) + ".." +
                            std::to_string(parameters::image_side_px_max));
  }
  if (decoded.depth() != CV_8U) {
    cv::Mat eight_bit;
    double scale = decoded.depth() == CV_16U ? 1.0 / 257.0 : 1.0;
    decoded.convertTo(eight_bit, CV_8U, scale);
    decoded = eight_bit;
  }
  if (decoded.channels() != 1) {
    cv::Mat grey;
    cv::cvtColor(decoded, grey, cv::COLOR_BGR2GRAY);
    decoded = grey;
  }
  GreyImage out;
  out.width = decoded.cols;
  out.height = decoded.rows;
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height);
  for (int y = 0; y < out.height; ++y) {
    std::memcpy(out.pixels.data() + static_cast<std::size_t>(y) * out.width, decoded.ptr(y),
                static_cast<std::size_t>(out.width));
  }
  return out;
}

Result<std::vector<std::uint8_t>> encode_png(const GreyImage& image) {
  if (image.empty()) return invalid_argument("cannot encode an empty image");
  std::vector<std::uint8_t> out;
  try {
    const cv::Mat mat(image.height, image.width, CV_8UC1,
                      const_cast<std::uint8_t*>(image.pixels.data()));
    if (!cv::imencode(".png", mat, out)) return invalid_argument("PNG encoding failed");
  } catch (const cv::Exception& e) {
    return make_error(ErrorCode::kInternal, std::string("PNG encoding failed: ") + e.what());
  }
  return out;
}

}  // namespace ektp::biometrics
