// Binarisation of the enhanced image and thinning to a one-pixel, 8-connected minimal skeleton
// (Zhang & Suen 1984, then removal of staircase corners). Images hold 0/1. Pure; reentrant.
#pragma once

#include "biometrics/grey_image.h"

namespace ektp::biometrics {

// 1 where the enhanced value is negative (a ridge) inside the foreground mask.
GreyImage binarize(const FloatImage& enhanced, const BlockMask& mask);

// Thins a 0/1 image in place semantics (returns the skeleton). Pixels on the image edge are
// cleared so neighbourhood reads never leave the image.
GreyImage thin(GreyImage binary);

}  // namespace ektp::biometrics
