#include "biometrics/extract/minutiae_filter.h"

#include "biometrics/extract/minutiae_detection.h"
#include "biometrics/parameters.h"
#include "stage_fixture.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(MinutiaeFilter, RemovesASpurAndABrokenRidge) {
  GreyImage g{100, 60, std::vector<std::uint8_t>(6000, 0)};
  for (int x = 5; x <= 95; ++x) g.pixels[30 * 100 + static_cast<std::size_t>(x)] = 1;
  for (int d = 1; d <= 4; ++d) g.pixels[static_cast<std::size_t>(30 - d) * 100 + 50] = 1;  // 4 px spur
  for (int x = 5; x <= 95; ++x)
    if (x < 40 || x > 44) g.pixels[45 * 100 + static_cast<std::size_t>(x)] = 1;  // gap of 5 px
  BlockMask mask{13, 8, 8, std::vector<std::uint8_t>(13 * 8, 1)};
  OrientationField field{13, 8, 8, std::vector<float>(104, 0.0f), std::vector<float>(104, 1.0f)};
  const auto candidates = detect_minutiae(g, mask);
  const auto kept = remove_false_minutiae(candidates, g, mask, field);
  EXPECT_GT(candidates.size(), kept.size());
  for (const Minutia& m : kept) {
    EXPECT_FALSE(m.x >= 45 && m.x <= 55 && m.y <= 31) << "spur kept at " << m.x << "," << m.y;
    EXPECT_FALSE(m.x >= 38 && m.x <= 46 && m.y == 45) << "break kept at " << m.x;
  }
}

TEST(MinutiaeFilter, NothingSurvivesNearTheBorderOfARealPrint) {
  const auto s = testing::run_stages();
  const auto kept = remove_false_minutiae(detect_minutiae(s.skeleton, s.mask), s.skeleton, s.mask, s.orientation);
  EXPECT_GT(kept.size(), 15u);
  for (const Minutia& m : kept)
    EXPECT_GT(distance_to_background_px(s.mask, s.image.width, s.image.height, m.x, m.y, 20),
              parameters::minutia_border_px);
}

}  // namespace
}  // namespace ektp::biometrics
