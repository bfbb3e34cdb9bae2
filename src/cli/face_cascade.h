// Loading the face detector's cascade file for the CLI (src/biometrics does no file I/O):
// reads the Haar cascade that Debian's opencv-data package installs. Thread-safety: reentrant.
#pragma once

#include <filesystem>

#include "biometrics/face_detector.h"
#include "core/error.h"

namespace ektp::cli {

inline constexpr const char* kDefaultFaceCascadePath =
    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

// kFailedPrecondition (naming the opencv-data package) when the file is missing or unreadable,
// kInvalidArgument when it is not a cascade.
Result<biometrics::FaceDetector> load_face_detector(
    const std::filesystem::path& cascade = kDefaultFaceCascadePath);

}  // namespace ektp::cli
