// Removal of false minutiae: spurs, bridges and short ridges (by bounded ridge walks), broken
// ridges (facing endings), clusters (noise, scars), low-coherence blocks and the print's border.
// Pure; thread-safety: reentrant.
#pragma once

#include <vector>

#include "biometrics/extract/orientation.h"
#include "biometrics/grey_image.h"
#include "biometrics/minutia.h"

namespace ektp::biometrics {

std::vector<Minutia> remove_false_minutiae(std::vector<Minutia> minutiae, const GreyImage& skeleton,
                                           const BlockMask& mask, const OrientationField& orientation);

// Distance in px from (x, y) to the nearest background (or image edge), probed along 16
// directions up to limit_px.
int distance_to_background_px(const BlockMask& mask, int width, int height, int x, int y,
                              int limit_px);

}  // namespace ektp::biometrics
