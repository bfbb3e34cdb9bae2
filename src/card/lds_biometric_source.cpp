#include "card/lds_biometric_source.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "registry/enrollment_store.h"

namespace ektp::card {

namespace {

constexpr std::size_t kSourceImageBytesMax = 8u << 20;  // what is decoded at all
constexpr int kSmallestWidth = 48;

cv::Mat decode(std::span<const std::uint8_t> bytes, int flags) {
  if (bytes.empty() || bytes.size() > kSourceImageBytesMax) return {};
  try {
    // OpenCV takes a non-const Mat header; imdecode only reads it.
    return cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<std::uint8_t*>(bytes.data())),
                        flags);
  } catch (const cv::Exception&) {
    return {};
  }
}

// Widths from `start` down, each four fifths of the one before, to kSmallestWidth.
std::vector<int> widths_from(int start) {
  std::vector<int> out;
  for (int w = start; w >= kSmallestWidth; w = w * 4 / 5) out.push_back(w);
  if (out.empty()) out.push_back(start);  // an image narrower than the smallest width: as it is
  return out;
}

cv::Mat scaled(const cv::Mat& image, int width) {
  if (width == image.cols) return image;
  const int height = std::max(1, static_cast<int>(static_cast<long long>(image.rows) * width / image.cols));
  cv::Mat out;
  cv::resize(image, out, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  return out;
}

}  // namespace

Result<FaceImage> chip_face(std::span<const std::uint8_t> photo) {
  if (const auto frame = jpeg_frame(photo); frame && photo.size() <= kFaceJpegBytesMax) {
    return FaceImage{{photo.begin(), photo.end()}, frame->width, frame->height};
  }
  const cv::Mat image = decode(photo, cv::IMREAD_COLOR);
  if (image.empty()) return invalid_argument("photo: does not decode as an image");
  for (int width : widths_from(std::min(image.cols, kChipFaceWidthMax))) {
    const cv::Mat small = scaled(image, width);
    for (int quality : {90, 80, 70, 60, 50, 40}) {
      std::vector<std::uint8_t> jpeg;
      if (!cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1})) {
        return make_error(ErrorCode::kInternal, "photo: OpenCV could not encode a JPEG");
      }
      if (jpeg.size() <= kFaceJpegBytesMax) return FaceImage{std::move(jpeg), small.cols, small.rows};
    }
  }
  return invalid_argument(fmt::format("photo: no JPEG of it fits in {} bytes", kFaceJpegBytesMax));
}

Result<std::vector<std::uint8_t>> chip_signature(std::span<const std::uint8_t> image) {
  static constexpr std::array<std::uint8_t, 8> kPng = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  const bool png = image.size() > kPng.size() && std::equal(kPng.begin(), kPng.end(), image.begin());
  if (png && image.size() <= kSignatureImageBytesMax) return std::vector<std::uint8_t>(image.begin(), image.end());
  const cv::Mat decoded = decode(image, cv::IMREAD_GRAYSCALE);
  if (decoded.empty()) return invalid_argument("signature: does not decode as an image");
  for (int width : widths_from(decoded.cols)) {
    std::vector<std::uint8_t> out;
    if (!cv::imencode(".png", scaled(decoded, width), out, {cv::IMWRITE_PNG_COMPRESSION, 9})) {
      return make_error(ErrorCode::kInternal, "signature: OpenCV could not encode a PNG");
    }
    if (out.size() <= kSignatureImageBytesMax) return out;
  }
  return invalid_argument(fmt::format("signature: no PNG of it fits in {} bytes", kSignatureImageBytesMax));
}

Result<ChipBiometrics> load_chip_biometrics(store::Connection& db, std::string_view nik) {
  if (nik.size() != 16 || nik.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid_argument("nik: 16 digits");
  }
  EKTP_ASSIGN_OR_RETURN(auto enrollments, registry::enrollments_of(db, nik));  // newest first
  for (const auto& e : enrollments) {
    if (e.status == registry::EnrollmentStatus::kDuplicate) continue;
    EKTP_ASSIGN_OR_RETURN(auto full, registry::load_enrollment(db, e.enrollment_id, /*with_images=*/true));
    if (full.photo.empty() || full.signature.empty()) continue;
    auto in_enrollment = [&](const Error& error) {
      return std::unexpected(Error{error.code, fmt::format("enrollment {}: {}", e.enrollment_id, error.message), error.reason});
    };
    ChipBiometrics out;
    out.enrollment_id = e.enrollment_id;
    auto face = chip_face(full.photo);
    if (!face) return in_enrollment(face.error());
    out.face = std::move(*face);
    auto signature = chip_signature(full.signature);
    if (!signature) return in_enrollment(signature.error());
    out.signature_png = std::move(*signature);
    auto fingers = choose_chip_fingers(full.fingers);
    if (!fingers) return in_enrollment(fingers.error());
    out.fingers = std::move(*fingers);
    return out;
  }
  return make_error(ErrorCode::kFailedPrecondition,
                    fmt::format("NIK {} has no enrollment with a photo and a signature for the chip", nik));
}

}  // namespace ektp::card
