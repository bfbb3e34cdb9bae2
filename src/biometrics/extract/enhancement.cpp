#include "biometrics/extract/enhancement.h"

#include "biometrics/extract/gabor.h"

namespace ektp::biometrics {

Enhancement enhance(const FloatImage& normalized, const BlockMask& mask) {
  Enhancement e;
  e.orientation = orientation_field(normalized, mask);
  e.period = ridge_period(normalized, e.orientation, mask);
  e.enhanced = gabor_enhance(normalized, e.orientation, e.period, mask);
  return e;
}

void refine(const FloatImage& normalized, const BlockMask& mask, Enhancement& e) {
  e.orientation = orientation_field(e.enhanced, mask);
  e.period = ridge_period(e.enhanced, e.orientation, mask);
  e.enhanced = gabor_enhance(normalized, e.orientation, e.period, mask);
}

}  // namespace ektp::biometrics
