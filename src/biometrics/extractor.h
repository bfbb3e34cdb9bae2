// Feature extraction, top down: image in, minutiae template out. No I/O; the optional trace sink
// receives intermediate images. Thread-safety: reentrant (one sink per call).
#pragma once

#include "biometrics/grey_image.h"
#include "biometrics/minutia.h"
#include "biometrics/trace.h"
#include "core/error.h"

namespace ektp::biometrics {

// Extracts from an image scanned at `dpi` (rescaled to 500 ppi first). kInvalidArgument for an
// image out of the size limits or a bad dpi; kFailedPrecondition when no fingerprint area is
// found. A template with few minutiae is still returned (its image_quality says so).
Result<FeatureTemplate> extract(const GreyImage& image, int dpi, TraceSink* sink = nullptr);

}  // namespace ektp::biometrics
