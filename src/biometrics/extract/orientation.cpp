#include "biometrics/extract/orientation.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "biometrics/parameters.h"
#include "core/assert.h"

namespace ektp::biometrics {

namespace {

struct Tensor {
  double xx = 0, yy = 0, xy = 0;
};

// Per-block sums of the gradient tensor (Sobel) over the block's own pixels.
std::vector<Tensor> block_tensors(const FloatImage& img, int bw, int bh, int block) {
  std::vector<Tensor> t(static_cast<std::size_t>(bw) * bh);
  for (int y = 1; y + 1 < img.height; ++y) {
    const float* up = &img.values[static_cast<std::size_t>(y - 1) * img.width];
    const float* mid = up + img.width;
    const float* down = mid + img.width;
    Tensor* row = &t[static_cast<std::size_t>(y / block) * bw];
    for (int x = 1; x + 1 < img.width; ++x) {
      const float gx = (up[x + 1] + 2 * mid[x + 1] + down[x + 1]) - (up[x - 1] + 2 * mid[x - 1] + down[x - 1]);
      const float gy = (down[x - 1] + 2 * down[x] + down[x + 1]) - (up[x - 1] + 2 * up[x] + up[x + 1]);
      Tensor& b = row[x / block];
      b.xx += gx * gx;
      b.yy += gy * gy;
      b.xy += gx * gy;
    }
  }
  return t;
}

}  // namespace

float OrientationField::angle_at_pixel(float x, float y) const {
  const float fx = std::clamp(x / block_px - 0.5f, 0.0f, blocks_x - 1.0f);
  const float fy = std::clamp(y / block_px - 0.5f, 0.0f, blocks_y - 1.0f);
  const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
  const int x1 = std::min(x0 + 1, blocks_x - 1), y1 = std::min(y0 + 1, blocks_y - 1);
  const float ax = fx - x0, ay = fy - y0;
  float c = 0, s = 0;
  auto add = [&](int bx, int by, float w) {
    const float a = 2 * angle_at(bx, by);
    c += w * std::cos(a);
    s += w * std::sin(a);
  };
  add(x0, y0, (1 - ax) * (1 - ay));
  add(x1, y0, ax * (1 - ay));
  add(x0, y1, (1 - ax) * ay);
  add(x1, y1, ax * ay);
  float angle = 0.5f * std::atan2(s, c);
  if (angle < 0) angle += std::numbers::pi_v<float>;
  return angle;
}

OrientationField orientation_field(const FloatImage& normalized, const BlockMask& mask) {
  EKTP_ASSERT(normalized.width > 2 && normalized.height > 2);
  const int bw = mask.blocks_x, bh = mask.blocks_y, block = mask.block_px;
  const auto tensors = block_tensors(normalized, bw, bh, block);
  const std::size_t n = static_cast<std::size_t>(bw) * bh;
  // Doubled-angle vectors over a 3x3-block window, and the coherence of that window.
  std::vector<float> vx(n), vy(n), weight(n);
  OrientationField field{bw, bh, block, std::vector<float>(n, 0.0f), std::vector<float>(n, 0.0f)};
  for (int by = 0; by < bh; ++by) {
    for (int bx = 0; bx < bw; ++bx) {
      Tensor sum;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int x = std::clamp(bx + dx, 0, bw - 1), y = std::clamp(by + dy, 0, bh - 1);
          const Tensor& t = tensors[static_cast<std::size_t>(y) * bw + x];
          sum.xx += t.xx;
          sum.yy += t.yy;
          sum.xy += t.xy;
        }
      }
      const std::size_t i = static_cast<std::size_t>(by) * bw + bx;
      vx[i] = static_cast<float>(sum.xx - sum.yy);
      vy[i] = static_cast<float>(2 * sum.xy);
      const double energy = sum.xx + sum.yy;
      field.coherence[i] =
          energy > 1e-6 ? static_cast<float>(std::hypot(vx[i], vy[i]) / energy) : 0.0f;
    }
  }
  // Smooth the vectors over foreground neighbours (background would pull in noise).
  const int r = parameters::orientation_smooth_blocks;
  for (int by = 0; by < bh; ++by) {
    for (int bx = 0; bx < bw; ++bx) {
      double sx = 0, sy = 0;
      const bool inside = mask.at(bx, by);
      for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
          const int x = bx + dx, y = by + dy;
          if (x < 0 || y < 0 || x >= bw || y >= bh) continue;
          if (inside && !mask.at(x, y)) continue;
          const std::size_t j = static_cast<std::size_t>(y) * bw + x;
          const double norm = std::hypot(vx[j], vy[j]) + 1e-9;
          // Unit vectors weighted by coherence: strong-contrast blocks must not dominate.
          sx += vx[j] / norm * field.coherence[j];
          sy += vy[j] / norm * field.coherence[j];
        }
      }
      // The gradient direction is perpendicular to the ridges.
      float angle = 0.5f * static_cast<float>(std::atan2(sy, sx)) + std::numbers::pi_v<float> / 2;
      if (angle >= std::numbers::pi_v<float>) angle -= std::numbers::pi_v<float>;
      if (angle < 0) angle += std::numbers::pi_v<float>;
      field.ridge_angle[static_cast<std::size_t>(by) * bw + bx] = angle;
    }
  }
  return field;
}

}  // namespace ektp::biometrics
