// atan2 to about 0.005 rad (a minimax polynomial on [0, 1] plus octant folding): several times
// faster than std::atan2, and precise enough for the matcher's angle tolerances and the 1:N
// first stage's 45-degree bins. Pure; header-only so it inlines into the hot loops.
#pragma once

#include <algorithm>
#include <cmath>

namespace ektp::biometrics {

inline float fast_atan2(float y, float x) {
  const float ax = std::abs(x), ay = std::abs(y);
  const float mx = std::max(ax, ay), mn = std::min(ax, ay);
  if (mx == 0) return 0;
  const float a = mn / mx, s = a * a;
  float r = ((-0.0464964749f * s + 0.15931422f) * s - 0.327622764f) * s * a + a;
  if (ay > ax) r = 1.57079637f - r;
  if (x < 0) r = 3.14159274f - r;
  return y < 0 ? -r : r;
}

}  // namespace ektp::biometrics
