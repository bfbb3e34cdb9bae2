#include "biometrics/extract/quality.h"

#include <algorithm>
#include <cmath>

#include "biometrics/extract/minutiae_filter.h"
#include "biometrics/parameters.h"

namespace ektp::biometrics {

void assess_minutiae(std::vector<Minutia>& minutiae, const BlockMask& mask,
                     const OrientationField& orientation, int width, int height) {
  constexpr int kDepthFull = 40;  // px from the border at which the border stops mattering
  for (Minutia& m : minutiae) {
    const float coherence =
        std::clamp(orientation.coherence_at(m.x / mask.block_px, m.y / mask.block_px), 0.0f, 1.0f);
    const int depth = distance_to_background_px(mask, width, height, m.x, m.y, kDepthFull);
    const float q = 100.0f * std::sqrt(coherence) * (0.5f + 0.5f * depth / kDepthFull);
    m.quality = static_cast<std::uint8_t>(std::clamp(std::lround(q), 1L, 100L));
  }
  std::stable_sort(minutiae.begin(), minutiae.end(),
                   [](const Minutia& a, const Minutia& b) { return a.quality > b.quality; });
  if (minutiae.size() > parameters::minutiae_count_max) minutiae.resize(parameters::minutiae_count_max);
}

std::uint8_t image_quality_level(const BlockMask& mask, const OrientationField& orientation,
                                 std::size_t minutiae_count) {
  double coherence_sum = 0;
  int foreground = 0;
  for (int by = 0; by < mask.blocks_y; ++by) {
    for (int bx = 0; bx < mask.blocks_x; ++bx) {
      if (!mask.at(bx, by)) continue;
      coherence_sum += orientation.coherence_at(bx, by);
      ++foreground;
    }
  }
  if (foreground == 0) return 5;
  const double area_px = static_cast<double>(foreground) * mask.block_px * mask.block_px;
  const double coherence = coherence_sum / foreground;
  const double area_score = std::min(1.0, area_px / (220.0 * 220.0));
  const double count_score = std::min(1.0, static_cast<double>(minutiae_count) / 35.0);
  const double coherence_score = std::clamp((coherence - 0.2) / 0.5, 0.0, 1.0);
  const double score = 0.4 * coherence_score + 0.3 * area_score + 0.3 * count_score;
  return static_cast<std::uint8_t>(std::clamp(5 - static_cast<int>(score * 5), 1, 5));
}

}  // namespace ektp::biometrics
