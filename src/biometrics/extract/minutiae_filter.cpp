#include "biometrics/extract/minutiae_filter.h"

#include <cmath>
#include <numbers>

#include "biometrics/angle.h"
#include "biometrics/extract/skeleton.h"
#include "biometrics/parameters.h"

namespace ektp::biometrics {

namespace {

constexpr float kPi = std::numbers::pi_v<float>;

// Index of the minutia within 2 px of (x, y), or -1.
int minutia_near(const std::vector<Minutia>& m, int x, int y) {
  for (std::size_t i = 0; i < m.size(); ++i)
    if (std::abs(m[i].x - x) <= 2 && std::abs(m[i].y - y) <= 2) return static_cast<int>(i);
  return -1;
}

// Spurs (ending walks into a junction), short ridges/islands (ending to ending) and bridges
// (junction to junction) are structure too short to be a real ridge.
void mark_short_structures(const std::vector<Minutia>& m, const GreyImage& skeleton,
                           std::vector<std::uint8_t>& removed) {
  const int budget = parameters::short_ridge_px;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const Branches b = branches_at(skeleton, m[i].x, m[i].y);
    for (int k = 0; k < b.count; ++k) {
      const RidgeWalk w = walk_ridge(skeleton, m[i].x, m[i].y, b.x[static_cast<std::size_t>(k)],
                                     b.y[static_cast<std::size_t>(k)], budget);
      if (w.stop != RidgeWalk::Stop::kEnding && w.stop != RidgeWalk::Stop::kJunction) continue;
      removed[i] = 1;
      const int other = minutia_near(m, w.end_x, w.end_y);
      if (other >= 0) removed[static_cast<std::size_t>(other)] = 1;
    }
  }
}

void mark_close_pairs(const std::vector<Minutia>& m, std::vector<std::uint8_t>& removed) {
  const float pair2 = parameters::close_pair_px * parameters::close_pair_px;
  const float cluster2 = parameters::cluster_px * parameters::cluster_px;
  for (std::size_t i = 0; i < m.size(); ++i) {
    int crowd = 0;
    for (std::size_t j = 0; j < m.size(); ++j) {
      if (i == j) continue;
      const float dx = static_cast<float>(m[i].x - m[j].x), dy = static_cast<float>(m[i].y - m[j].y);
      const float d2 = dx * dx + dy * dy;
      if (d2 < cluster2) ++crowd;
      // Two endings facing each other across a gap: a broken ridge.
      if (j > i && d2 < pair2 && m[i].type == MinutiaType::kEnding &&
          m[j].type == MinutiaType::kEnding &&
          angle_difference(m[i].angle_rad, m[j].angle_rad) > 2 * kPi / 3) {
        removed[i] = removed[j] = 1;
      }
    }
    if (crowd >= 2) removed[i] = 1;
  }
}

}  // namespace

int distance_to_background_px(const BlockMask& mask, int width, int height, int x, int y,
                              int limit_px) {
  int best = limit_px;
  constexpr int kDirections = 16;
  for (int d = 0; d < kDirections; ++d) {
    const float a = 2 * kPi * d / kDirections;
    const float dx = std::cos(a), dy = std::sin(a);
    for (int r = 2; r < best; r += 2) {
      const int px = x + static_cast<int>(std::lround(dx * r));
      const int py = y + static_cast<int>(std::lround(dy * r));
      if (px < 0 || py < 0 || px >= width || py >= height || !mask.at_pixel(px, py)) {
        best = r;
        break;
      }
    }
  }
  return best;
}

std::vector<Minutia> remove_false_minutiae(std::vector<Minutia> minutiae, const GreyImage& skeleton,
                                           const BlockMask& mask, const OrientationField& orientation) {
  std::vector<std::uint8_t> removed(minutiae.size(), 0);
  mark_short_structures(minutiae, skeleton, removed);
  mark_close_pairs(minutiae, removed);
  for (std::size_t i = 0; i < minutiae.size(); ++i) {
    const Minutia& m = minutiae[i];
    const int bx = m.x / mask.block_px, by = m.y / mask.block_px;
    if (orientation.coherence_at(bx, by) < parameters::coherence_min) removed[i] = 1;
    if (distance_to_background_px(mask, skeleton.width, skeleton.height, m.x, m.y,
                                  parameters::minutia_border_px + 1) <= parameters::minutia_border_px)
      removed[i] = 1;
  }
  std::vector<Minutia> kept;
  for (std::size_t i = 0; i < minutiae.size(); ++i)
    if (!removed[i]) kept.push_back(minutiae[i]);
  return kept;
}

}  // namespace ektp::biometrics
