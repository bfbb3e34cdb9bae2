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

PopulationMean population_mean(std::span<const PairHistogram> histograms) {
  PopulationMean m;
  std::array<double, p::histogram_bins> sum{};
  std::size_t count = 0;
  for (const PairHistogram& h : histograms) {
    const float mass = h.mass_sqrt * h.mass_sqrt;
    if (mass <= 0) continue;
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += h.bins[i] / mass;
    ++count;
  }
  if (count == 0) return m;
  for (std::size_t i = 0; i < sum.size(); ++i) {
    m.mean[i] = static_cast<float>(sum[i] / static_cast<double>(count));
    m.mean_squared += m.mean[i] * m.mean[i];
  }
  return m;
}

CenteredTerms centered_terms(const PairHistogram& b, const PopulationMean& mean) {
  const float mass = b.mass_sqrt * b.mass_sqrt;
  if (mass <= 0) return {};
  float dot = 0, self = 0;
  for (std::size_t i = 0; i < b.bins.size(); ++i) {
    const float v = b.bins[i] / mass;
    dot += v * mean.mean[i];
    self += v * v;
  }
  const float squared = self - 2 * dot + mean.mean_squared;  // |b/mass - mean|^2
  return {dot, squared > 1e-12f ? 1.0f / std::sqrt(squared) : 0.0f};
}

CenteredProbe centered_probe(const PairHistogram& a, const PopulationMean& mean) {
  CenteredProbe q;
  const float mass = a.mass_sqrt * a.mass_sqrt;
  if (mass <= 0) return q;
  float squared = 0;
  for (std::size_t i = 0; i < a.bins.size(); ++i) {
    q.centered[i] = a.bins[i] / mass - mean.mean[i];
    q.centered_dot_mean += q.centered[i] * mean.mean[i];
    squared += q.centered[i] * q.centered[i];
  }
  q.inverse_norm = squared > 1e-12f ? 1.0f / std::sqrt(squared) : 0.0f;
  return q;
}

float centered_similarity(const CenteredProbe& a, const PairHistogram& b, const CenteredTerms& b_terms) {
  if (a.inverse_norm == 0 || b_terms.inverse_norm == 0) return 0.0f;
  // (a' . (b/mass - mean)) = (a' . b) / mass - a' . mean, with a' the probe's centred vector.
  float dot = 0;
  for (std::size_t i = 0; i < b.bins.size(); ++i) dot += a.centered[i] * static_cast<float>(b.bins[i]);
  const float mass = b.mass_sqrt * b.mass_sqrt;
  return (dot / mass - a.centered_dot_mean) * a.inverse_norm * b_terms.inverse_norm;
}

}  // namespace ektp::abis
