// Minutiae from a skeleton by crossing number: CN 1 = ridge ending, CN 3 = bifurcation. The
// direction comes from short ridge walks: for an ending, towards the ridge it ends; for a
// bifurcation, between its two closest branches (so an ending that touches a neighbouring ridge
// keeps its direction). Pure; thread-safety: reentrant.
#pragma once

#include <vector>

#include "biometrics/grey_image.h"
#include "biometrics/minutia.h"

namespace ektp::biometrics {

// Candidates inside the mask; quality is left at 0 for the quality stage.
std::vector<Minutia> detect_minutiae(const GreyImage& skeleton, const BlockMask& mask);

// Angle in radians [0, 2pi) of the image-space vector (dx, dy), y down, returned y-up (ISO).
float image_vector_angle(float dx, float dy);

}  // namespace ektp::biometrics
