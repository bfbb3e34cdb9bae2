#include "biometrics/consolidation.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "biometrics/angle.h"
#include "biometrics/parameters.h"

namespace ektp::biometrics {

namespace {

namespace p = parameters;

struct Candidate {
  float distance2;
  std::uint16_t a, b;
};

struct Scratch {
  std::vector<float> moved_x, moved_y, moved_angle, distance2;
  std::vector<Candidate> candidates;
  std::vector<std::uint8_t> used_a, used_b;
};

}  // namespace

Consolidation consolidate(const SearchTemplate& a, const SearchTemplate& b, std::span<const AnchorPair> anchors) {
  Consolidation out;
  const std::size_t na = a.minutiae.size(), nb = b.minutiae.size();
  if (anchors.empty() || na == 0 || nb == 0) return out;
  // Rotation: weighted circular mean of the anchors' direction differences; translation: weighted
  // mean of what remains once a's anchors are rotated.
  float cos_sum = 0, sin_sum = 0, weight_sum = 0;
  for (const AnchorPair& pr : anchors) {
    const float d = b.minutiae[pr.b].angle_rad - a.minutiae[pr.a].angle_rad;
    cos_sum += pr.weight * std::cos(d);
    sin_sum += pr.weight * std::sin(d);
    weight_sum += pr.weight;
  }
  if (weight_sum <= 0) return out;
  const float rotation = std::atan2(sin_sum, cos_sum);
  const float c = std::cos(rotation), s = std::sin(rotation);
  float tx = 0, ty = 0, cx = 0, cy = 0;
  for (const AnchorPair& pr : anchors) {
    const PreparedMinutia& ma = a.minutiae[pr.a];
    const PreparedMinutia& mb = b.minutiae[pr.b];
    tx += pr.weight * (mb.x - (c * ma.x - s * ma.y));
    ty += pr.weight * (mb.y - (s * ma.x + c * ma.y));
    cx += pr.weight * mb.x;
    cy += pr.weight * mb.y;
  }
  tx /= weight_sum, ty /= weight_sum, cx /= weight_sum, cy /= weight_sum;
  auto move = [&](float x, float y) { return Point2{c * x - s * y + tx, s * x + c * y + ty}; };

  thread_local Scratch scratch;
  Scratch& t = scratch;
  t.moved_x.resize(na);
  t.moved_y.resize(na);
  t.moved_angle.resize(na);
  t.distance2.resize(na);
  for (std::size_t i = 0; i < na; ++i) {
    const Point2 moved = move(a.minutiae[i].x, a.minutiae[i].y);
    t.moved_x[i] = moved.x;
    t.moved_y[i] = moved.y;
    t.moved_angle[i] = a.minutiae[i].angle_rad + rotation;  // in [-pi, 3pi)
  }
  // Overlap: a's minutiae inside b's hull once moved, and b's inside a's hull moved back.
  for (std::size_t i = 0; i < na; ++i) out.a_in_b += b.area.signed_distance(t.moved_x[i], t.moved_y[i]) >= -1.0f;
  for (std::size_t j = 0; j < nb; ++j) {
    const float x = b.minutiae[j].x - tx, y = b.minutiae[j].y - ty;
    out.b_in_a += a.area.signed_distance(c * x + s * y, -s * x + c * y) >= -1.0f;
  }

  // One-to-one pairs by distance, greedily, within the growing tolerance.
  t.candidates.clear();
  for (std::size_t j = 0; j < nb; ++j) {
    const PreparedMinutia& mb = b.minutiae[j];
    const float from_anchors = std::sqrt((mb.x - cx) * (mb.x - cx) + (mb.y - cy) * (mb.y - cy));
    const float reach = p::consolidation_distance_px + p::consolidation_distance_per_px * from_anchors;
    const float reach2 = reach * reach;
    // Distances first, in a loop the compiler vectorises; few survive to the angle test.
    float* d2 = t.distance2.data();
    const float* x = t.moved_x.data();
    const float* y = t.moved_y.data();
    for (std::size_t i = 0; i < na; ++i) d2[i] = (x[i] - mb.x) * (x[i] - mb.x) + (y[i] - mb.y) * (y[i] - mb.y);
    for (std::size_t i = 0; i < na; ++i) {
      if (d2[i] > reach2 || angle_difference(t.moved_angle[i], mb.angle_rad) > p::consolidation_angle_rad) continue;
      t.candidates.push_back({d2[i], static_cast<std::uint16_t>(i), static_cast<std::uint16_t>(j)});
    }
  }
  std::sort(t.candidates.begin(), t.candidates.end(), [](const Candidate& x, const Candidate& y) { return x.distance2 < y.distance2; });
  t.used_a.assign(na, 0);
  t.used_b.assign(nb, 0);
  for (const Candidate& cd : t.candidates) {
    if (t.used_a[cd.a] || t.used_b[cd.b]) continue;
    t.used_a[cd.a] = t.used_b[cd.b] = 1;
    ++out.paired;
  }
  const float m = static_cast<float>(out.paired);
  const float overlap = static_cast<float>(std::max(out.a_in_b, p::consolidation_overlap_floor)) *
                        static_cast<float>(std::max(out.b_in_a, p::consolidation_overlap_floor));
  const float agreement = std::min(1.0f, m * m / overlap);
  const float enough = 1.0f / (1.0f + std::exp(-p::consolidation_pairs_tau * (m - p::consolidation_pairs_mu)));
  out.factor = agreement * enough;
  return out;
}

}  // namespace ektp::biometrics
