// Minutia quality (0..100) from local ridge coherence and distance to the print's border, and a
// per-image quality score in the spirit of NFIQ: 1 (best) .. 5 (worst), from usable area, mean
// coherence and minutia count. Pure; thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <vector>

#include "biometrics/extract/orientation.h"
#include "biometrics/minutia.h"

namespace ektp::biometrics {

// Sets quality on each minutia, then keeps the best parameters::minutiae_count_max.
void assess_minutiae(std::vector<Minutia>& minutiae, const BlockMask& mask,
                     const OrientationField& orientation, int width, int height);

std::uint8_t image_quality_level(const BlockMask& mask, const OrientationField& orientation,
                                 std::size_t minutiae_count);

}  // namespace ektp::biometrics
