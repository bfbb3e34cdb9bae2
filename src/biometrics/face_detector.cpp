#include "biometrics/face_detector.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>

#include "biometrics/capture_parameters.h"

namespace ektp::biometrics {

struct FaceDetector::State {
  std::mutex mutex;  // guards classifier: detectMultiScale writes into the object's buffers
  cv::CascadeClassifier classifier;
};

FaceDetector::FaceDetector(std::unique_ptr<State> state) : state_(std::move(state)) {}
FaceDetector::FaceDetector(FaceDetector&&) noexcept = default;
FaceDetector& FaceDetector::operator=(FaceDetector&&) noexcept = default;
FaceDetector::~FaceDetector() = default;

Result<FaceDetector> FaceDetector::from_cascade_xml(std::string_view xml) {
  if (xml.empty()) return invalid_argument("face cascade XML is empty");
  auto state = std::make_unique<State>();
  try {
    cv::FileStorage storage(std::string(xml), cv::FileStorage::READ | cv::FileStorage::MEMORY);
    const cv::FileNode cascade =
        storage.isOpened() ? storage.getFirstTopLevelNode() : cv::FileNode();
    if (!cascade.isMap() || !state->classifier.read(cascade) || state->classifier.empty()) {
      return invalid_argument("face cascade XML is not an OpenCV cascade classifier");
    }
  } catch (const std::exception& e) {  // cv::Exception from the XML parser
    return invalid_argument(std::string("face cascade XML could not be parsed: ") + e.what());
  }
  return FaceDetector(std::move(state));
}

Result<std::vector<FaceBox>> FaceDetector::detect(const GreyImage& image) const {
  if (!state_) return failed_precondition("face detector was moved from");
  const std::size_t pixels = static_cast<std::size_t>(std::max(image.width, 0)) *
                             static_cast<std::size_t>(std::max(image.height, 0));
  if (image.empty() || image.pixels.size() != pixels) {
    return invalid_argument("face detection needs a non-empty grey image");
  }
  const cv::Mat mat(image.height, image.width, CV_8UC1,
                    const_cast<std::uint8_t*>(image.pixels.data()));  // only read
  std::vector<cv::Rect> rects;
  std::vector<int> votes;
  try {
    const std::lock_guard lock(state_->mutex);
    const int side_min = capture::detection_face_px_min;
    state_->classifier.detectMultiScale(mat, rects, votes, capture::detection_scale_factor,
                                        capture::detection_neighbours_min, 0,
                                        cv::Size(side_min, side_min));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("face detection failed: ") + e.what());
  }
  std::vector<FaceBox> faces;
  for (std::size_t i = 0; i < rects.size() && i < votes.size(); ++i) {
    faces.push_back({rects[i].x, rects[i].y, rects[i].width, rects[i].height, votes[i]});
  }
  std::stable_sort(faces.begin(), faces.end(),
                   [](const FaceBox& a, const FaceBox& b) { return a.votes > b.votes; });
  return faces;
}

}  // namespace ektp::biometrics
