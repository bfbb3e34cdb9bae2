#include "biometrics/matcher.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "biometrics/parameters.h"

namespace ektp::biometrics {

namespace {

namespace p = parameters;
constexpr float kPi = std::numbers::pi_v<float>;

struct Pair {
  float similarity;
  std::uint16_t a, b;
};

float angle_difference(float a, float b) {  // |a - b| wrapped into [0, pi]
  float d = std::abs(a - b);
  if (d > kPi) d = 2 * kPi - d;
  return d;
}

float signed_angle(float a, float b) {
  float d = a - b;
  if (d < -kPi) d += 2 * kPi;
  if (d >= kPi) d -= 2 * kPi;
  return d;
}

float sigmoid(float v, float mu, float tau) { return 1.0f / (1.0f + std::exp(-tau * (v - mu))); }

// nP grows with the smaller template: few minutiae cannot support many pairs.
int pair_count(std::size_t na, std::size_t nb) {
  const float z = sigmoid(static_cast<float>(std::min(na, nb)), p::lss_size_mu, p::lss_size_tau);
  return p::lss_pairs_min + static_cast<int>(std::lround(z * (p::lss_pairs_max - p::lss_pairs_min)));
}

// Geometric compatibility of pair (i) with pair (k): distances, relative directions and the
// angle of the connecting segment must agree in both prints.
float compatibility(const PreparedMinutia& a1, const PreparedMinutia& b1, const PreparedMinutia& a2,
                    const PreparedMinutia& b2) {
  const float dxa = a2.x - a1.x, dya = a2.y - a1.y, dxb = b2.x - b1.x, dyb = b2.y - b1.y;
  const float da = std::sqrt(dxa * dxa + dya * dya), db = std::sqrt(dxb * dxb + dyb * dyb);
  const float d1 = std::abs(da - db);
  const float d2 = angle_difference(signed_angle(a1.angle_rad, a2.angle_rad), signed_angle(b1.angle_rad, b2.angle_rad));
  const float ra = signed_angle(a1.angle_rad, std::atan2(dya, dxa));
  const float rb = signed_angle(b1.angle_rad, std::atan2(dyb, dxb));
  const float d3 = angle_difference(ra, rb);
  return sigmoid(d1, p::relaxation_mu_distance_px, p::relaxation_tau_distance) *
         sigmoid(d2, p::relaxation_mu_angle_rad, p::relaxation_tau_angle) *
         sigmoid(d3, p::relaxation_mu_angle_rad, p::relaxation_tau_angle);
}

// Best one-to-one pairs by local similarity (greedy on the sorted list).
std::vector<Pair> top_pairs(std::vector<Pair>& all, std::size_t na, std::size_t nb, std::size_t wanted) {
  std::sort(all.begin(), all.end(), [](const Pair& x, const Pair& y) { return x.similarity > y.similarity; });
  std::vector<std::uint8_t> used_a(na, 0), used_b(nb, 0);
  std::vector<Pair> out;
  for (const Pair& pr : all) {
    if (out.size() >= wanted) break;
    if (used_a[pr.a] || used_b[pr.b]) continue;
    used_a[pr.a] = used_b[pr.b] = 1;
    out.push_back(pr);
  }
  return out;
}

}  // namespace

float Matcher::match(const SearchTemplate& candidate) const {
  const auto& a = probe_;
  const auto& b = candidate;
  const std::size_t na = a.minutiae.size(), nb = b.minutiae.size();
  if (na == 0 || nb == 0) return 0.0f;
  std::vector<Pair> all;
  all.reserve(na * nb / 2);
  for (std::size_t i = 0; i < na; ++i) {
    for (std::size_t j = 0; j < nb; ++j) {
      if (angle_difference(a.minutiae[i].angle_rad, b.minutiae[j].angle_rad) > p::mcc_direction_difference_max_rad)
        continue;
      const float s = cylinder_similarity(a.cylinders[i], b.cylinders[j]);
      if (s > 0) all.push_back({s, static_cast<std::uint16_t>(i), static_cast<std::uint16_t>(j)});
    }
  }
  const int np = pair_count(na, nb);
  const std::size_t nr = std::min<std::size_t>({na, nb, static_cast<std::size_t>(p::relaxation_pairs_max)});
  std::vector<Pair> pairs = top_pairs(all, na, nb, nr);
  if (pairs.size() < 2) return 0.0f;
  const std::size_t n = pairs.size();
  // Relaxation: each pair's score is pulled towards the support it gets from compatible pairs.
  std::vector<float> rho(n * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = i + 1; k < n; ++k) {
      const float r = compatibility(a.minutiae[pairs[i].a], b.minutiae[pairs[i].b], a.minutiae[pairs[k].a],
                                    b.minutiae[pairs[k].b]);
      rho[i * n + k] = rho[k * n + i] = r;
    }
  }
  std::vector<float> lambda(n), next(n), initial(n);
  for (std::size_t i = 0; i < n; ++i) lambda[i] = initial[i] = pairs[i].similarity;
  for (int t = 0; t < p::relaxation_iterations; ++t) {
    for (std::size_t i = 0; i < n; ++i) {
      float support = 0;
      for (std::size_t k = 0; k < n; ++k) support += rho[i * n + k] * lambda[k];
      next[i] = p::relaxation_weight * lambda[i] +
                (1 - p::relaxation_weight) * support / static_cast<float>(n - 1);
    }
    lambda.swap(next);
  }
  // Keep the nP pairs whose score survived relaxation best (efficiency), average their scores.
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return lambda[x] / initial[x] > lambda[y] / initial[y];
  });
  const std::size_t take = std::min(n, static_cast<std::size_t>(np));
  float sum = 0;
  for (std::size_t i = 0; i < take; ++i) sum += lambda[order[i]];
  return sum / static_cast<float>(np);
}

float match_templates(const SearchTemplate& a, const SearchTemplate& b) {
  // Matcher copies the probe; one-off callers do not care about that cost.
  return Matcher(a).match(b);
}

}  // namespace ektp::biometrics
