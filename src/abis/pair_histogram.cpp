#include "abis/pair_histogram.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ektp::abis {

namespace {

namespace p = parameters;
constexpr float kTwoPi = 2 * std::numbers::pi_v<float>;

int angle_bin(float rad, int bins) {
  float a = std::fmod(rad, kTwoPi);
  if (a < 0) a += kTwoPi;
  return std::min(bins - 1, static_cast<int>(a / kTwoPi * bins));
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
    for (std::size_t j = 0; j < m.size(); ++j) {
      if (i == j) continue;
      const float dx = static_cast<float>(m[j].x - m[i].x), dy = static_cast<float>(m[i].y - m[j].y);
      const float d = std::sqrt(dx * dx + dy * dy);
      if (d < p::histogram_distance_min_px || d >= max_px) continue;
      // Soft distance binning: the pair counts in its bin and, near an edge, the neighbour too,
      // so elastic distortion does not flip it between bins.
      const float f = (d - p::histogram_distance_min_px) / p::histogram_distance_bin_px;
      const int bin = static_cast<int>(f);
      const int direction = angle_bin(m[j].angle_rad - m[i].angle_rad, p::histogram_direction_bins);
      const int segment = angle_bin(std::atan2(dy, dx) - m[i].angle_rad, p::histogram_segment_bins);
      add(h, bin, direction, segment);
      const float within = f - static_cast<float>(bin);
      if (within < 0.25f && bin > 0) add(h, bin - 1, direction, segment);
      if (within > 0.75f && bin + 1 < p::histogram_distance_bins) add(h, bin + 1, direction, segment);
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
