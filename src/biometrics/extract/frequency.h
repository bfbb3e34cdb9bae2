// Ridge period per block from the x-signature of an oriented window (Hong, Wan & Jain 1998):
// grey levels averaged along the ridges, peaks counted across them. Blocks without a clean
// signature take the average of their neighbours. Pure; thread-safety: reentrant.
#pragma once

#include "biometrics/extract/orientation.h"
#include "biometrics/grey_image.h"

namespace ektp::biometrics {

struct PeriodField {
  int blocks_x = 0;
  int blocks_y = 0;
  std::vector<float> period_px;  // ridge-to-ridge distance, within parameters' min..max

  float at(int bx, int by) const { return period_px[static_cast<std::size_t>(by) * blocks_x + bx]; }
};

PeriodField ridge_period(const FloatImage& normalized, const OrientationField& orientation,
                         const BlockMask& mask);

}  // namespace ektp::biometrics
