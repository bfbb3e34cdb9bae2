// Contextual enhancement with refinement: orientation and ridge period are measured on the
// normalised image, the image is Gabor-filtered with them, and then, `refinements` times, the
// fields are measured again on the enhanced image (where dotted, faint or smudged ridges have
// become continuous) and the normalised image is filtered again with the better fields.
// Pure; thread-safety: reentrant.
#pragma once

#include "biometrics/extract/frequency.h"
#include "biometrics/extract/orientation.h"
#include "biometrics/grey_image.h"

namespace ektp::biometrics {

struct Enhancement {
  OrientationField orientation;  // the fields the last filtering used
  PeriodField period;
  FloatImage enhanced;           // ridges negative, valleys positive, background 0
};

// The first pass: fields from the normalised image, then one filtering.
Enhancement enhance(const FloatImage& normalized, const BlockMask& mask);

// One refinement of `e` in place: fields from e.enhanced, then the normalised image filtered again.
void refine(const FloatImage& normalized, const BlockMask& mask, Enhancement& e);

}  // namespace ektp::biometrics
