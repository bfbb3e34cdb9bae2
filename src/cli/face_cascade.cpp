#include "cli/face_cascade.h"

#include <fstream>
#include <iterator>
#include <string>

namespace ektp::cli {

namespace {

constexpr std::uintmax_t kCascadeBytesMax = 16u << 20;  // the default cascade is 0.9 MB

}  // namespace

Result<biometrics::FaceDetector> load_face_detector(const std::filesystem::path& cascade) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(cascade, ec);
  if (ec) {
    return failed_precondition("face cascade " + cascade.string() + " cannot be read (" +
                               ec.message() + "); install Debian's opencv-data package");
  }
  if (size > kCascadeBytesMax) {
    return invalid_argument("face cascade " + cascade.string() + " is larger than 16 MiB");
  }
  std::ifstream in(cascade, std::ios::binary);
  std::string xml{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof()) {
    return failed_precondition("face cascade " + cascade.string() + " could not be read");
  }
  auto detector = biometrics::FaceDetector::from_cascade_xml(xml);
  if (!detector) {
    return invalid_argument(cascade.string() + ": " + detector.error().message);
  }
  return detector;
}

}  // namespace ektp::cli
