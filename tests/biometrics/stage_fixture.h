// Runs the extraction stages one by one on a real image, for the stage tests.
#pragma once

#include <algorithm>
#include <cmath>

#include "biometrics/extract/frequency.h"
#include "biometrics/extract/gabor.h"
#include "biometrics/extract/normalization.h"
#include "biometrics/extract/orientation.h"
#include "biometrics/extract/segmentation.h"
#include "biometrics/extract/thinning.h"
#include "test_images.h"

namespace ektp::biometrics::testing {

struct Stages {
  GreyImage image;
  BlockStatistics statistics;
  BlockMask mask;
  FloatImage normalized;
  OrientationField orientation;
  PeriodField period;
  FloatImage enhanced;
  GreyImage skeleton;
};

inline Stages run_stages(const std::string& set = "fvc2002-db1b", int finger = 101, int impression = 1) {
  Stages s;
  s.image = load_image(set, finger, impression);
  s.statistics = block_statistics(s.image);
  s.mask = segment(s.image, s.statistics);
  s.normalized = normalize(s.image, s.statistics);
  s.orientation = orientation_field(s.normalized, s.mask);
  s.period = ridge_period(s.normalized, s.orientation, s.mask);
  s.enhanced = gabor_enhance(s.normalized, s.orientation, s.period, s.mask);
  s.skeleton = thin(binarize(s.enhanced, s.mask));
  return s;
}

inline double foreground_fraction(const BlockMask& m) {
  double n = 0;
  for (auto c : m.cells) n += c;
  return n / static_cast<double>(m.cells.size());
}

// A synthetic print: straight ridges at `angle` with period `period_px` over a grey background.
inline GreyImage synthetic_ridges(int w, int h, float angle, float period_px) {
  GreyImage g{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h)};
  const float nx = -std::sin(angle), ny = std::cos(angle);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float v = std::cos(2 * 3.14159265f * (x * nx + y * ny) / period_px);
      g.pixels[static_cast<std::size_t>(y) * w + x] = static_cast<std::uint8_t>(128 + 90 * v);
    }
  return g;
}

}  // namespace ektp::biometrics::testing
