#include "biometrics/extract/frequency.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "biometrics/parameters.h"

namespace ektp::biometrics {

namespace {

constexpr int kLength = parameters::frequency_window_length_px;
constexpr int kWidth = parameters::frequency_window_width_px;

// Period of one block, or 0 when its signature has too few clean peaks.
float block_period(const FloatImage& img, float cx, float cy, float ridge_angle) {
  const float tx = std::cos(ridge_angle), ty = std::sin(ridge_angle);  // along the ridges
  const float nx = -ty, ny = tx;                                        // across them
  std::array<float, kLength> signature{};
  for (int k = 0; k < kLength; ++k) {
    const float along_normal = k - kLength / 2.0f;
    float sum = 0;
    int count = 0;
    for (int w = -kWidth / 2; w < kWidth / 2; w += 2) {
      const int x = static_cast<int>(std::lround(cx + along_normal * nx + w * tx));
      const int y = static_cast<int>(std::lround(cy + along_normal * ny + w * ty));
      if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
      sum += img.at(x, y);
      ++count;
    }
    if (count == 0) return 0.0f;
    signature[static_cast<std::size_t>(k)] = sum / count;
  }
  // Light smoothing, then valleys of grey = ridge centres (ridges are negative).
  std::array<float, kLength> smooth = signature;
  for (int k = 1; k + 1 < kLength; ++k) {
    smooth[static_cast<std::size_t>(k)] =
        0.25f * signature[k - 1] + 0.5f * signature[k] + 0.25f * signature[k + 1];
  }
  float first = -1, last = -1, amplitude = 0;
  int peaks = 0;
  for (int k = 1; k + 1 < kLength; ++k) {
    const float v = smooth[static_cast<std::size_t>(k)];
    if (v < smooth[k - 1] && v <= smooth[k + 1] && v < 0) {
      if (first < 0) first = static_cast<float>(k);
      last = static_cast<float>(k);
      ++peaks;
    }
    amplitude = std::max(amplitude, std::abs(v));
  }
  if (peaks < 2 || amplitude < 0.3f) return 0.0f;
  const float period = (last - first) / static_cast<float>(peaks - 1);
  if (period < parameters::ridge_period_px_min || period > parameters::ridge_period_px_max)
    return 0.0f;
  return period;
}

}  // namespace

PeriodField ridge_period(const FloatImage& normalized, const OrientationField& orientation,
                         const BlockMask& mask) {
  const int bw = mask.blocks_x, bh = mask.blocks_y, block = mask.block_px;
  const std::size_t n = static_cast<std::size_t>(bw) * bh;
  std::vector<float> raw(n, 0.0f);
  for (int by = 0; by < bh; ++by) {
    for (int bx = 0; bx < bw; ++bx) {
      if (!mask.at(bx, by)) continue;
      raw[static_cast<std::size_t>(by) * bw + bx] =
          block_period(normalized, (bx + 0.5f) * block, (by + 0.5f) * block, orientation.angle_at(bx, by));
    }
  }
  // Smooth valid periods over a window; blocks with no valid neighbour fall back to the default.
  const int r = parameters::frequency_smooth_blocks;
  PeriodField field{bw, bh, std::vector<float>(n, parameters::ridge_period_px_default)};
  for (int by = 0; by < bh; ++by) {
    for (int bx = 0; bx < bw; ++bx) {
      float sum = 0;
      int count = 0;
      for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
          const int x = bx + dx, y = by + dy;
          if (x < 0 || y < 0 || x >= bw || y >= bh) continue;
          const float v = raw[static_cast<std::size_t>(y) * bw + x];
          if (v > 0) {
            sum += v;
            ++count;
          }
        }
      }
      if (count > 0) field.period_px[static_cast<std::size_t>(by) * bw + bx] = sum / count;
    }
  }
  return field;
}

}  // namespace ektp::biometrics
