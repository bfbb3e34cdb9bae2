#include "abis/pair_histogram.h"
#include "biometrics/fast_atan2.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ektp::abis {

namespace {

namespace p = parameters;
constexpr float kTwoPi = 2 * std::numbers::pi_v<float>;

int angle_bin(float rad, int bins) {  // rad within (-4pi, 4pi)
  float a = rad;
  while (a < 0) a += kTwoPi;
  while (a >= kTwoPi) a -= kTwoPi;
  return std::min(bins - 1, static_cast<int>(a / kTwoPi * static_cast<float>(bins)));
}

void add(PairHistogram& h, int distance_bin, int direction_bin, int segment_bin) {
  const int i = (distance_bin * p::histogram_direction_bins + direction_bin) * p::histogram_segment_bins + segment_bin;
  auto& v = h.bins[static_cast<std::size_t>(i)];
  if (v < 255) ++v;
}

}  // namespace

PairHistogram pair_histogram(const biometrics::FeatureTemplate& t) {
  PairHistogram h;
  const float max_px = p::histogram_distance_min_px + p::histogram_distance_bins * p::histogram_distance_bin_px;
  const auto& m = t.minutiae;
  for (std::size_t i = 0; i < m.size(); ++i) {
    for (std::size_t j = i + 1; j < m.size(); ++j) {
      const float dx = static_cast<float>(m[j].x - m[i].x), dy = static_cast<float>(m[i].y - m[j].y);
      const float d2 = dx * dx + dy * dy;
      if (d2 < p::histogram_distance_min_px * p::histogram_distance_min_px || d2 >= max_px * max_px) continue;
      // Soft distance binning: the pair counts in its bin and, near an edge, the neighbour too,
      // so elastic distortion does not flip it between bins.
      const float f = (std::sqrt(d2) - p::histogram_distance_min_px) / p::histogram_distance_bin_px;
      const int bin = static_cast<int>(f);
      const float within = f - static_cast<float>(bin);
      const float segment_ij = biometrics::fast_atan2(dy, dx);
      // Both directions of the pair, so the histogram does not depend on minutia order.
      for (int way = 0; way < 2; ++way) {
        const auto& a = way == 0 ? m[i] : m[j];
        const auto& b = way == 0 ? m[j] : m[i];
        const float segment = way == 0 ? segment_ij : segment_ij + std::numbers::pi_v<float>;
        const int direction = angle_bin(b.angle_rad - a.angle_rad, p::histogram_direction_bins);
        const int seg = angle_bin(segment - a.angle_rad, p::histogram_segment_bins);
        add(h, bin, direction, seg);
        if (within < 0.25f && bin > 0) add(h, bin - 1, direction, seg);
        if (within > 0.75f && bin + 1 < p::histogram_distance_bins) add(h, bin + 1, direction, seg);
      }
    }
  }
  std::uint32_t mass = 0;
  for (auto v : h.bins) mass += v;
  h.mass_sqrt = std::sqrt(static_cast<float>(mass));
  return h;
}

float histogram_similarity(const PairHistogram& a, const PairHistogram& b) {
  std::uint32_t common = 0;
  for (std::size_t i = 0; i < a.bins.size(); ++i) common += std::min(a.bins[i], b.bins[i]);
  const float norm = a.mass_sqrt * b.mass_sqrt;
  return norm <= 0 ? 0.0f : static_cast<float>(common) / norm;
}

}  // namespace ektp::abis
