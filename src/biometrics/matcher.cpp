#include "biometrics/matcher.h"
#include "biometrics/fast_atan2.h"
#include "biometrics/angle.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "biometrics/parameters.h"

namespace ektp::biometrics {

namespace {

namespace p = parameters;

struct Pair {
  float similarity;
  std::uint16_t a, b;
};

float sigmoid(float v, float mu, float tau) { return 1.0f / (1.0f + std::exp(-tau * (v - mu))); }

// exp(x) to ~0.2% by splitting 2^(x/ln2) into an exponent-field integer and a cubic for the
// fraction; relaxation needs thousands per comparison and std::exp is the bottleneck.
float fast_exp(float x) {
  x = std::clamp(x, -80.0f, 80.0f);
  const float t = x * 1.44269504f;
  const float fi = std::floor(t);
  const float f = t - fi;
  const float poly = 1.0f + f * (0.6960656f + f * (0.2244190f + f * 0.0794965f));
  const std::int32_t bits = (static_cast<std::int32_t>(fi) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return scale * poly;
}

float fast_sigmoid(float v, float mu, float tau) { return 1.0f / (1.0f + fast_exp(-tau * (v - mu))); }

// nP grows with the smaller template: few minutiae cannot support many pairs.
int pair_count(std::size_t na, std::size_t nb) {
  const float z = sigmoid(static_cast<float>(std::min(na, nb)), p::lss_size_mu, p::lss_size_tau);
  return p::lss_pairs_min + static_cast<int>(std::lround(z * (p::lss_pairs_max - p::lss_pairs_min)));
}

// Geometric compatibility of pair (i) with pair (k): distances, relative directions and the
// angle of the connecting segment must agree in both prints.
float compatibility(const PreparedMinutia& a1, const PreparedMinutia& b1, const PreparedMinutia& a2,
                    const PreparedMinutia& b2) {
  // Each factor is a sigmoid that is practically 0 past its cut-off: test the cheap ones first.
  constexpr float kAngleCutoffRad = p::relaxation_mu_angle_rad + 9.0f / -p::relaxation_tau_angle;
  constexpr float kDistanceCutoffPx = p::relaxation_mu_distance_px + 9.0f / -p::relaxation_tau_distance;
  const float d2 = angle_difference(signed_angle_difference(a1.angle_rad, a2.angle_rad), signed_angle_difference(b1.angle_rad, b2.angle_rad));
  if (d2 > kAngleCutoffRad) return 0.0f;
  const float dxa = a2.x - a1.x, dya = a2.y - a1.y, dxb = b2.x - b1.x, dyb = b2.y - b1.y;
  const float da = std::sqrt(dxa * dxa + dya * dya), db = std::sqrt(dxb * dxb + dyb * dyb);
  const float d1 = std::abs(da - db);
  if (d1 > kDistanceCutoffPx) return 0.0f;
  const float ra = signed_angle_difference(a1.angle_rad, fast_atan2(dya, dxa));
  const float rb = signed_angle_difference(b1.angle_rad, fast_atan2(dyb, dxb));
  const float d3 = angle_difference(ra, rb);
  return fast_sigmoid(d1, p::relaxation_mu_distance_px, p::relaxation_tau_distance) *
         fast_sigmoid(d2, p::relaxation_mu_angle_rad, p::relaxation_tau_angle) *
         fast_sigmoid(d3, p::relaxation_mu_angle_rad, p::relaxation_tau_angle);
}

// Best one-to-one pairs by local similarity (greedy on the sorted list).
// Greedy one-to-one selection over the pairs sorted by local similarity. Only the best few times
// `wanted` are considered: a 64-bucket histogram of similarities (all in (0, 1]) finds the cut
// in one pass.
void top_pairs(std::vector<Pair>& all, std::size_t na, std::size_t nb, std::size_t wanted,
               std::vector<std::uint8_t>& used_a, std::vector<std::uint8_t>& used_b, std::vector<Pair>& out) {
  auto better = [](const Pair& x, const Pair& y) { return x.similarity > y.similarity; };
  used_a.assign(na, 0);
  used_b.assign(nb, 0);
  out.clear();
  constexpr int kBuckets = 64;
  auto bucket = [](float v) { return std::min(kBuckets - 1, static_cast<int>(v * kBuckets)); };
  std::array<std::uint32_t, kBuckets> counts{};
  for (const Pair& pr : all) ++counts[static_cast<std::size_t>(bucket(pr.similarity))];
  int cut = kBuckets - 1;
  for (std::size_t above = counts[kBuckets - 1]; cut > 0 && above < 5 * wanted;)
    above += counts[static_cast<std::size_t>(--cut)];
  const auto head_end = std::partition(all.begin(), all.end(), [&](const Pair& pr) { return bucket(pr.similarity) >= cut; });
  std::sort(all.begin(), head_end, better);
  // Pairs below the cut are too weak to matter: relaxation works on what the head yields.
  const std::size_t head = static_cast<std::size_t>(head_end - all.begin());
  for (std::size_t i = 0; i < head && out.size() < wanted; ++i) {
    const Pair& pr = all[i];
    if (used_a[pr.a] || used_b[pr.b]) continue;
    used_a[pr.a] = used_b[pr.b] = 1;
    out.push_back(pr);
  }
}

// Per-thread buffers, so a comparison allocates nothing once warm.
struct Scratch {
  std::vector<Pair> all, pairs;
  std::vector<float> row, rho, lambda, next, initial, efficiency;
  std::vector<std::uint8_t> used_a, used_b;
  std::vector<std::uint16_t> order, candidate_index;
  std::vector<const Cylinder*> candidates;
};

}  // namespace

float Matcher::match(const SearchTemplate& candidate) const { return match_templates(probe_, candidate); }

float match_templates(const SearchTemplate& a, const SearchTemplate& b) { return match_detail(a, b).score; }

MatchDetail match_detail(const SearchTemplate& a, const SearchTemplate& b) {
  MatchDetail detail;
  const std::size_t na = a.minutiae.size(), nb = b.minutiae.size();
  if (na == 0 || nb == 0) return detail;
  thread_local Scratch s;
  s.all.clear();
  s.row.resize(nb);
  s.candidates.resize(nb);
  s.candidate_index.resize(nb);
  for (std::size_t i = 0; i < na; ++i) {
    // Only cylinders whose minutia directions are close enough are compared at all.
    std::size_t n = 0;
    for (std::size_t j = 0; j < nb; ++j) {
      if (angle_difference(a.minutiae[i].angle_rad, b.minutiae[j].angle_rad) > p::mcc_direction_difference_max_rad)
        continue;
      s.candidates[n] = &b.cylinders[j];
      s.candidate_index[n++] = static_cast<std::uint16_t>(j);
    }
    cylinder_similarity_row(a.cylinders[i], std::span<const Cylinder* const>(s.candidates.data(), n), s.row);
    for (std::size_t k = 0; k < n; ++k)
      if (s.row[k] > 0) s.all.push_back({s.row[k], static_cast<std::uint16_t>(i), s.candidate_index[k]});
  }
  const int np = pair_count(na, nb);
  const std::size_t nr = std::min<std::size_t>({na, nb, static_cast<std::size_t>(p::relaxation_pairs_max)});
  top_pairs(s.all, na, nb, nr, s.used_a, s.used_b, s.pairs);
  const auto& pairs = s.pairs;
  if (pairs.size() < 2) return detail;
  const std::size_t n = pairs.size();
  // Relaxation: each pair's score is pulled towards the support it gets from compatible pairs.
  s.rho.assign(n * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = i + 1; k < n; ++k) {
      const float r = compatibility(a.minutiae[pairs[i].a], b.minutiae[pairs[i].b], a.minutiae[pairs[k].a],
                                    b.minutiae[pairs[k].b]);
      s.rho[i * n + k] = s.rho[k * n + i] = r;
    }
  }
  s.lambda.resize(n);
  s.next.resize(n);
  s.initial.resize(n);
  for (std::size_t i = 0; i < n; ++i) s.lambda[i] = s.initial[i] = pairs[i].similarity;
  const float support_weight = (1 - p::relaxation_weight) / static_cast<float>(n - 1);
  for (int t = 0; t < p::relaxation_iterations; ++t) {
    for (std::size_t i = 0; i < n; ++i) {
      float support = 0;
      const float* rho_row = &s.rho[i * n];
      for (std::size_t k = 0; k < n; ++k) support += rho_row[k] * s.lambda[k];
      s.next[i] = p::relaxation_weight * s.lambda[i] + support_weight * support;
    }
    s.lambda.swap(s.next);
  }
  // Keep the nP pairs whose score survived relaxation best (efficiency), average their scores.
  s.efficiency.resize(n);
  s.order.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    s.efficiency[i] = s.lambda[i] / s.initial[i];
    s.order[i] = static_cast<std::uint16_t>(i);
  }
  const std::size_t take = std::min(n, static_cast<std::size_t>(np));
  std::partial_sort(s.order.begin(), s.order.begin() + static_cast<std::ptrdiff_t>(take), s.order.end(),
                    [&](std::uint16_t x, std::uint16_t y) { return s.efficiency[x] > s.efficiency[y]; });
  float sum = 0;
  for (std::size_t i = 0; i < take; ++i) sum += s.lambda[s.order[i]];
  detail.lss_r = sum / static_cast<float>(np);
  // Global consolidation: do the two prints agree across their common area under one alignment?
  std::array<AnchorPair, p::consolidation_anchor_pairs> anchors;
  const std::size_t anchor_count = std::min(take, anchors.size());
  for (std::size_t i = 0; i < anchor_count; ++i) {
    const Pair& pr = pairs[s.order[i]];
    anchors[i] = {pr.a, pr.b, s.lambda[s.order[i]]};
  }
  detail.consolidation = consolidate(a, b, std::span<const AnchorPair>(anchors.data(), anchor_count));
  detail.score = detail.lss_r * std::pow(detail.consolidation.factor, p::consolidation_weight);
  return detail;
}

}  // namespace ektp::biometrics
