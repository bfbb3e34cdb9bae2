// Frontal face detection with an OpenCV Haar cascade, built from the cascade's XML text (the
// caller reads haarcascade_frontalface_default.xml; src/biometrics does no I/O).
// Thread-safety: detect() may be called from several threads, but the calls are serialised by
// a mutex inside the detector, because cv::CascadeClassifier keeps scratch buffers in the object
// and its detectMultiScale is not documented as thread-safe. Parallel work wants one detector
// per thread.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "biometrics/grey_image.h"
#include "core/error.h"

namespace ektp::biometrics {

struct FaceBox {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  int votes = 0;  // overlapping raw detections grouped into this box: the detector's confidence
};

class FaceDetector {
 public:
  // kInvalidArgument when the text is not an OpenCV cascade classifier.
  static Result<FaceDetector> from_cascade_xml(std::string_view xml);

  FaceDetector(FaceDetector&&) noexcept;
  FaceDetector& operator=(FaceDetector&&) noexcept;
  ~FaceDetector();

  // Every face candidate in the image, strongest (most votes) first, with the scale factor,
  // grouping threshold and minimum size from capture_parameters.h. Candidates include weak false
  // detections: judging them is the caller's business. kInvalidArgument on an empty image,
  // kFailedPrecondition on a moved-from detector, kInternal if OpenCV fails.
  Result<std::vector<FaceBox>> detect(const GreyImage& image) const;

 private:
  struct State;
  explicit FaceDetector(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ektp::biometrics
