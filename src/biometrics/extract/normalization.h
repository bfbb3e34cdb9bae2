// Local contrast normalisation: each pixel becomes (grey - local mean) / local stddev, with the
// block statistics interpolated bilinearly so no block edges appear. Ridges (dark) are negative.
// Pure; thread-safety: reentrant.
#pragma once

#include "biometrics/extract/segmentation.h"
#include "biometrics/grey_image.h"

namespace ektp::biometrics {

FloatImage normalize(const GreyImage& image, const BlockStatistics& statistics);

}  // namespace ektp::biometrics
