// Contextual enhancement: each foreground pixel is filtered with an even-symmetric Gabor kernel
// tuned to its block's ridge orientation and period (Hong, Wan & Jain 1998). Kernels come from a
// bank quantised in orientation and period, built once. Output: ridges negative, valleys
// positive, background 0. Pure; thread-safety: reentrant.
#pragma once

#include "biometrics/extract/frequency.h"
#include "biometrics/extract/orientation.h"
#include "biometrics/grey_image.h"

namespace ektp::biometrics {

FloatImage gabor_enhance(const FloatImage& normalized, const OrientationField& orientation,
                         const PeriodField& period, const BlockMask& mask);

}  // namespace ektp::biometrics
