#include "card/qr_image_reader.h"

// zxing-cpp 1.4: text() as UTF-8 std::string, not std::wstring.
#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace ektp::card {

Result<std::string> read_qr_from_image(std::span<const std::uint8_t> bytes) {
  if (bytes.empty() || bytes.size() > kQrImageBytesMax) {
    return refusal(ErrorCode::kInvalidArgument, std::string(qr_reason::kNotAnImage),
                   fmt::format("image: 1 byte to {} MiB", kQrImageBytesMax >> 20));
  }
  cv::Mat grey;
  try {
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<std::uint8_t*>(bytes.data()));
    grey = cv::imdecode(buffer, cv::IMREAD_GRAYSCALE);
  } catch (const cv::Exception&) {
    grey.release();
  }
  if (grey.empty()) {
    return refusal(ErrorCode::kInvalidArgument, std::string(qr_reason::kNotAnImage),
                   "image: not a JPEG, PNG, TIFF or BMP picture");
  }
  if (grey.cols > kQrImageSideMax || grey.rows > kQrImageSideMax) {
    return refusal(ErrorCode::kInvalidArgument, std::string(qr_reason::kNotAnImage),
                   fmt::format("image: {}×{} px, at most {} a side", grey.cols, grey.rows, kQrImageSideMax));
  }
  if (!grey.isContinuous()) grey = grey.clone();
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  const auto found = ZXing::ReadBarcode(ZXing::ImageView(grey.data, grey.cols, grey.rows, ZXing::ImageFormat::Lum), hints);
  if (!found.isValid()) {
    return refusal(ErrorCode::kInvalidArgument, std::string(qr_reason::kNoQr), "image: no readable QR code in it");
  }
  return found.text();
}

}  // namespace ektp::card
