#include "biometrics/extract/gabor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "biometrics/parameters.h"

namespace ektp::biometrics {

namespace {

constexpr int kRadius = parameters::gabor_radius_px_max;
constexpr int kSide = 2 * kRadius + 1;
constexpr int kOrientations = parameters::gabor_orientations;
constexpr int kPeriods = parameters::gabor_periods;

using Kernel = std::array<float, kSide * kSide>;

float period_of_bin(int bin) {
  return parameters::ridge_period_px_min +
         (parameters::ridge_period_px_max - parameters::ridge_period_px_min) * bin / (kPeriods - 1);
}

Kernel make_kernel(float ridge_angle, float period) {
  Kernel k{};
  const float sigma_across = parameters::gabor_sigma_across_ratio * period;
  const float sigma_along = parameters::gabor_sigma_along_ratio * period;
  const float c = std::cos(ridge_angle), s = std::sin(ridge_angle);
  double sum = 0, envelope_sum = 0;
  std::array<float, kSide * kSide> envelope{};
  for (int y = -kRadius; y <= kRadius; ++y) {
    for (int x = -kRadius; x <= kRadius; ++x) {
      const float along = x * c + y * s;
      const float across = -x * s + y * c;
      const float e = std::exp(-0.5f * (along * along / (sigma_along * sigma_along) +
                                        across * across / (sigma_across * sigma_across)));
      const std::size_t i = static_cast<std::size_t>((y + kRadius) * kSide + x + kRadius);
      envelope[i] = e;
      k[i] = e * std::cos(2 * std::numbers::pi_v<float> * across / period);
      sum += k[i];
      envelope_sum += e;
    }
  }
  // Zero DC response: a uniform area gives 0, so only ridge structure survives.
  const float dc = static_cast<float>(sum / envelope_sum);
  double energy = 0;
  for (std::size_t i = 0; i < k.size(); ++i) {
    k[i] -= dc * envelope[i];
    energy += std::abs(k[i]);
  }
  for (float& v : k) v = static_cast<float>(v / energy);
  return k;
}

const std::array<Kernel, kOrientations * kPeriods>& kernel_bank() {
  static const auto bank = [] {
    std::array<Kernel, kOrientations * kPeriods> b{};
    for (int o = 0; o < kOrientations; ++o)
      for (int p = 0; p < kPeriods; ++p)
        b[static_cast<std::size_t>(o * kPeriods + p)] =
            make_kernel(std::numbers::pi_v<float> * o / kOrientations, period_of_bin(p));
    return b;
  }();
  return bank;
}

int kernel_index(float ridge_angle, float period) {
  int o = static_cast<int>(std::lround(ridge_angle / std::numbers::pi_v<float> * kOrientations));
  o = ((o % kOrientations) + kOrientations) % kOrientations;
  const float t = (period - parameters::ridge_period_px_min) /
                  (parameters::ridge_period_px_max - parameters::ridge_period_px_min);
  const int p = std::clamp(static_cast<int>(std::lround(t * (kPeriods - 1))), 0, kPeriods - 1);
  return o * kPeriods + p;
}

}  // namespace

FloatImage gabor_enhance(const FloatImage& normalized, const OrientationField& orientation,
                         const PeriodField& period, const BlockMask& mask) {
  const auto& bank = kernel_bank();
  const int w = normalized.width, h = normalized.height;
  constexpr int kLanes = 8;  // pixels of one row filtered together: one kernel tap, 8 products
  // Zero padding keeps the inner loop free of bounds checks; 0 is the normalised mean. The extra
  // kLanes columns let the last lanes of a row read past the image without a check.
  const int pw = w + 2 * kRadius + kLanes;
  std::vector<float> padded(static_cast<std::size_t>(pw) * (h + 2 * kRadius), 0.0f);
  for (int y = 0; y < h; ++y) {
    std::copy_n(&normalized.values[static_cast<std::size_t>(y) * w], w,
                &padded[static_cast<std::size_t>(y + kRadius) * pw + kRadius]);
  }
  FloatImage out(w, h);
  const int block = mask.block_px;
  for (int by = 0; by < mask.blocks_y; ++by) {
    for (int bx = 0; bx < mask.blocks_x; ++bx) {
      if (!mask.at(bx, by)) continue;
      const Kernel& k = bank[static_cast<std::size_t>(
          kernel_index(orientation.angle_at(bx, by), period.at(bx, by)))];
      const int y_end = std::min(h, (by + 1) * block), x_end = std::min(w, (bx + 1) * block);
      for (int y = by * block; y < y_end; ++y) {
        for (int x0 = bx * block; x0 < x_end; x0 += kLanes) {
          std::array<float, kLanes> sum{};
          for (int ky = 0; ky < kSide; ++ky) {
            const float* src = &padded[static_cast<std::size_t>(y + ky) * pw + x0];
            const float* kr = &k[static_cast<std::size_t>(ky * kSide)];
            for (int kx = 0; kx < kSide; ++kx) {
              const float tap = kr[kx];
              for (int lane = 0; lane < kLanes; ++lane) sum[lane] += src[kx + lane] * tap;
            }
          }
          const int lanes = std::min(kLanes, x_end - x0);
          std::copy_n(sum.begin(), lanes, &out.values[static_cast<std::size_t>(y) * w + x0]);
        }
      }
    }
  }
  return out;
}

}  // namespace ektp::biometrics
