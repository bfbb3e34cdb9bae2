#include "biometrics/cylinder.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>

#include "biometrics/angle.h"
#include "biometrics/convex_hull.h"
#include "core/assert.h"

namespace ektp::biometrics {

namespace {

namespace p = parameters;
constexpr float kPi = std::numbers::pi_v<float>;
constexpr int kNs = p::mcc_spatial_cells;
constexpr int kNd = p::mcc_direction_cells;
constexpr float kCellPx = 2.0f * p::mcc_radius_px / kNs;
constexpr float kDirectionCellRad = 2.0f * kPi / kNd;
static_assert(64 % kNs == 0, "a row of cells must fit in one word of the bit vectors");

// Share of a Gaussian (sigma_D) that falls in the direction cell centred at `offset` radians.
float direction_contribution(float offset) {
  const float s = std::numbers::sqrt2_v<float> * p::mcc_sigma_direction_rad;
  return 0.5f * (std::erf((offset + kDirectionCellRad / 2) / s) - std::erf((offset - kDirectionCellRad / 2) / s));
}

int cells_within_radius() {
  int n = 0;
  for (int j = 0; j < kNs; ++j)
    for (int i = 0; i < kNs; ++i) {
      const float u = (i - (kNs - 1) / 2.0f) * kCellPx, v = (j - (kNs - 1) / 2.0f) * kCellPx;
      if (u * u + v * v <= p::mcc_radius_px * p::mcc_radius_px) ++n;
    }
  return n;
}

}  // namespace

namespace {

// Direction contributions per direction cell, tabulated over the neighbour's relative angle.
constexpr int kAngleSteps = 1024;
const std::array<std::array<float, kNd>, kAngleSteps>& direction_table() {
  static const auto table = [] {
    std::array<std::array<float, kNd>, kAngleSteps> t{};
    for (int i = 0; i < kAngleSteps; ++i) {
      const float d_theta = -kPi + (i + 0.5f) * 2 * kPi / kAngleSteps;
      for (int k = 0; k < kNd; ++k)
        t[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)] =
            direction_contribution(signed_angle_difference(-kPi + (k + 0.5f) * kDirectionCellRad, d_theta));
    }
    return t;
  }();
  return table;
}

// Spatial contribution Gs tabulated over squared distance up to (3 sigma)^2.
constexpr int kDistanceSteps = 2048;
constexpr float kReach2 = 9 * p::mcc_sigma_spatial_px * p::mcc_sigma_spatial_px;
const std::array<float, kDistanceSteps + 1>& spatial_table() {
  static const auto table = [] {
    std::array<float, kDistanceSteps + 1> t{};
    const float norm = 1.0f / (p::mcc_sigma_spatial_px * std::sqrt(2 * kPi));
    for (int i = 0; i <= kDistanceSteps; ++i)
      t[static_cast<std::size_t>(i)] =
          norm * std::exp(-(kReach2 * i / kDistanceSteps) / (2 * p::mcc_sigma_spatial_px * p::mcc_sigma_spatial_px));
    return t;
  }();
  return table;
}

}  // namespace

namespace {

constexpr float kHalf = (kNs - 1) / 2.0f;
using CellSums = std::vector<std::array<float, kNd>>;  // kNs * kNs cells

// Adds every neighbour's contribution to the cells within 3 sigma of it, in the cylinder's own
// frame. Returns the number of neighbours.
int accumulate_neighbours(const std::vector<PreparedMinutia>& all, std::size_t i, CellSums& sums) {
  const auto& gd_table = direction_table();
  const auto& gs_table = spatial_table();
  const float neighbour_px = p::mcc_radius_px + 3 * p::mcc_sigma_spatial_px;
  const float reach_px = 3 * p::mcc_sigma_spatial_px;
  const PreparedMinutia& m = all[i];
  const float cs = std::cos(m.angle_rad), sn = std::sin(m.angle_rad);
  for (auto& cell : sums) cell.fill(0.0f);
  int neighbours = 0;
  for (std::size_t j = 0; j < all.size(); ++j) {
    const float dx = all[j].x - m.x, dy = all[j].y - m.y;
    if (j == i || dx * dx + dy * dy > neighbour_px * neighbour_px) continue;
    ++neighbours;
    const float u = dx * cs + dy * sn, v = -dx * sn + dy * cs;
    const float rel = signed_angle_difference(m.angle_rad, all[j].angle_rad);
    const int step = std::clamp(static_cast<int>((rel + kPi) / (2 * kPi) * kAngleSteps), 0, kAngleSteps - 1);
    const auto& gd = gd_table[static_cast<std::size_t>(step)];
    const int ix0 = std::max(0, static_cast<int>(std::ceil((u - reach_px) / kCellPx + kHalf)));
    const int ix1 = std::min(kNs - 1, static_cast<int>(std::floor((u + reach_px) / kCellPx + kHalf)));
    const int iy0 = std::max(0, static_cast<int>(std::ceil((v - reach_px) / kCellPx + kHalf)));
    const int iy1 = std::min(kNs - 1, static_cast<int>(std::floor((v + reach_px) / kCellPx + kHalf)));
    for (int jy = iy0; jy <= iy1; ++jy) {
      const float cv = (jy - kHalf) * kCellPx - v;
      for (int ix = ix0; ix <= ix1; ++ix) {
        const float cu = (ix - kHalf) * kCellPx - u;
        const float d2 = cu * cu + cv * cv;
        if (d2 > kReach2) continue;
        const float gs = gs_table[static_cast<std::size_t>(d2 * (kDistanceSteps / kReach2))];
        auto& cell = sums[static_cast<std::size_t>(jy * kNs + ix)];
        for (int k = 0; k < kNd; ++k) cell[static_cast<std::size_t>(k)] += gs * gd[static_cast<std::size_t>(k)];
      }
    }
  }
  return neighbours;
}

// Thresholds the sums into bits; cells outside the radius or the enlarged hull stay invalid.
// Returns the number of valid spatial cells.
int fill_cylinder(const PreparedMinutia& m, const HullLines& hull, const CellSums& sums, Cylinder& c) {
  const float cs = std::cos(m.angle_rad), sn = std::sin(m.angle_rad);
  // A cell is valid within the radius and no further than the offset outside the hull. Along a
  // row of cells each edge's signed distance is linear in u, so the hull leaves one interval of
  // u per row: found per edge, instead of testing every cell against every edge.
  constexpr float kInfinity = std::numeric_limits<float>::infinity();
  int valid_cells = 0;
  for (int jy = 0; jy < kNs; ++jy) {
    const float v = (jy - kHalf) * kCellPx;
    float u_low = -kInfinity, u_high = kInfinity;
    for (std::size_t e = 0; e < hull.nx.size(); ++e) {
      // distance(u) = at_zero + u * slope must stay >= -offset.
      const float at_zero = hull.nx[e] * (m.x - v * sn) + hull.ny[e] * (m.y + v * cs) - hull.offset[e] +
                            p::mcc_hull_offset_px;
      const float slope = hull.nx[e] * cs + hull.ny[e] * sn;
      if (slope > 0) u_low = std::max(u_low, -at_zero / slope);
      else if (slope < 0) u_high = std::min(u_high, -at_zero / slope);
      else if (at_zero < 0) u_high = -kInfinity;  // parallel and outside: nothing in this row
    }
    // One row of a direction layer is kNs consecutive bits of one word: build the row's masks
    // without branches, then store each layer's row with one OR.
    std::uint64_t row_valid = 0;
    std::array<std::uint64_t, kNd> row_bits{};
    for (int ix = 0; ix < kNs; ++ix) {
      const float u = (ix - kHalf) * kCellPx;
      const std::uint64_t valid =
          (u * u + v * v <= p::mcc_radius_px * p::mcc_radius_px) & (u >= u_low) & (u <= u_high);
      row_valid |= valid << ix;
      const auto& cell = sums[static_cast<std::size_t>(jy * kNs + ix)];
      for (int k = 0; k < kNd; ++k)
        row_bits[static_cast<std::size_t>(k)] |=
            (valid & static_cast<std::uint64_t>(cell[static_cast<std::size_t>(k)] > p::mcc_bit_threshold)) << ix;
    }
    valid_cells += std::popcount(row_valid);
    for (int k = 0; k < kNd; ++k) {
      const int first = (k * kNs + jy) * kNs;  // bit index of the row's first cell
      c.valid[static_cast<std::size_t>(first / 64)] |= row_valid << (first % 64);
      c.bits[static_cast<std::size_t>(first / 64)] |= row_bits[static_cast<std::size_t>(k)] << (first % 64);
    }
  }
  return valid_cells;
}

}  // namespace

SearchTemplate prepare(const FeatureTemplate& t) {
  std::vector<PreparedMinutia> all;
  all.reserve(t.minutiae.size());
  for (const Minutia& m : t.minutiae)
    all.push_back({static_cast<float>(m.x), static_cast<float>(-m.y), m.angle_rad});
  std::vector<Point2> points;
  for (const auto& m : all) points.push_back({m.x, m.y});
  SearchTemplate out;
  out.area = hull_lines(convex_hull(std::move(points)));
  const HullLines& hull = out.area;
  static const int kValidCellsMin = static_cast<int>(p::mcc_valid_cells_min_ratio * cells_within_radius());
  CellSums sums(kNs * kNs);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (accumulate_neighbours(all, i, sums) < p::mcc_neighbours_min) continue;
    Cylinder c;
    if (fill_cylinder(all[i], hull, sums, c) < kValidCellsMin) continue;
    out.minutiae.push_back(all[i]);
    out.cylinders.push_back(c);
  }
  EKTP_ASSERT(out.minutiae.size() == out.cylinders.size());
  return out;
}

namespace {

int common_cells_min() {
  static const int value = static_cast<int>(p::mcc_matchable_common_ratio_min * cells_within_radius() * kNd);
  return value;
}

float similarity_from_counts(int common, int differ, int norm_a, int norm_b) {
  if (common < common_cells_min()) return -1.0f;
  if (norm_a + norm_b == 0) return 0.0f;
  // Euclidean norms of bit vectors: 1 - |a xor b| / (|a| + |b|).
  return 1.0f - std::sqrt(static_cast<float>(differ)) /
                    (std::sqrt(static_cast<float>(norm_a)) + std::sqrt(static_cast<float>(norm_b)));
}

struct CellCounts {
  int common, differ, norm_a, norm_b;
};

// The hot loop of matching. bits is a subset of valid, so masking by the other cylinder's
// validity masks by the common area.
inline __attribute__((always_inline)) void count_row_impl(const Cylinder& a, const Cylinder* const* b,
                                                          std::size_t nb, CellCounts* out) {
  for (std::size_t j = 0; j < nb; ++j) {
    int common = 0, differ = 0, norm_a = 0, norm_b = 0;
    const Cylinder& o = *b[j];
    for (std::size_t w = 0; w < kCylinderWords; ++w) {
      const std::uint64_t c = a.valid[w] & o.valid[w];
      const std::uint64_t x = a.bits[w] & o.valid[w], y = o.bits[w] & a.valid[w];
      common += std::popcount(c);
      differ += std::popcount(x ^ y);
      norm_a += std::popcount(x);
      norm_b += std::popcount(y);
    }
    out[j] = {common, differ, norm_a, norm_b};
  }
}

void count_row_generic(const Cylinder& a, const Cylinder* const* b, std::size_t nb, CellCounts* out) {
  count_row_impl(a, b, nb, out);
}

#if defined(__x86_64__)
// With AVX-512 VPOPCNTDQ the compiler vectorises the popcounts; chosen once at run time.
__attribute__((target("avx512f,avx512vl,avx512bw,avx512vpopcntdq"))) void count_row_avx512(
    const Cylinder& a, const Cylinder* const* b, std::size_t nb, CellCounts* out) {
  count_row_impl(a, b, nb, out);
}
#endif

using CountRow = void (*)(const Cylinder&, const Cylinder* const*, std::size_t, CellCounts*);

CountRow pick_count_row() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw"))
    return count_row_avx512;
#endif
  return count_row_generic;
}

void count_row(const Cylinder& a, const Cylinder* const* b, std::size_t nb, CellCounts* out) {
  static const CountRow chosen = pick_count_row();
  chosen(a, b, nb, out);
}

}  // namespace

float cylinder_similarity(const Cylinder& a, const Cylinder& b) {
  CellCounts c{};
  const Cylinder* other = &b;
  count_row(a, &other, 1, &c);
  return similarity_from_counts(c.common, c.differ, c.norm_a, c.norm_b);
}

void cylinder_similarity_row(const Cylinder& a, std::span<const Cylinder* const> b, std::span<float> out) {
  EKTP_ASSERT(out.size() >= b.size());
  constexpr std::size_t kChunk = 64;
  CellCounts counts[kChunk];
  for (std::size_t start = 0; start < b.size(); start += kChunk) {
    const std::size_t n = std::min(kChunk, b.size() - start);
    count_row(a, b.data() + start, n, counts);
    for (std::size_t j = 0; j < n; ++j)
      out[start + j] = similarity_from_counts(counts[j].common, counts[j].differ, counts[j].norm_a, counts[j].norm_b);
  }
}

void cylinder_similarity_row(const Cylinder& a, std::span<const Cylinder> b, std::span<float> out) {
  std::vector<const Cylinder*> pointers(b.size());
  for (std::size_t j = 0; j < b.size(); ++j) pointers[j] = &b[j];
  cylinder_similarity_row(a, pointers, out);
}

}  // namespace ektp::biometrics
