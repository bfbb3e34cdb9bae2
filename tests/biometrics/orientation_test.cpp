#include "biometrics/extract/orientation.h"

#include <numbers>

#include "stage_fixture.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

float axial_difference(float a, float b) {
  float d = std::fmod(std::abs(a - b), std::numbers::pi_v<float>);
  return std::min(d, std::numbers::pi_v<float> - d);
}

TEST(Orientation, RecoversTheAngleOfSyntheticRidges) {
  for (float angle : {0.3f, 1.2f, 2.5f}) {
    const GreyImage img = testing::synthetic_ridges(160, 160, angle, 9.0f);
    const auto stats = block_statistics(img);
    const auto mask = segment(img, stats);
    const auto field = orientation_field(normalize(img, stats), mask);
    EXPECT_LT(axial_difference(field.angle_at(10, 10), angle), 0.05f) << angle;
    EXPECT_GT(field.coherence_at(10, 10), 0.9f);
    EXPECT_LT(axial_difference(field.angle_at_pixel(80, 80), angle), 0.05f);
  }
}

TEST(Orientation, RealPrintIsMostlyCoherent) {
  const auto s = testing::run_stages();
  double sum = 0;
  int n = 0;
  for (int by = 0; by < s.mask.blocks_y; ++by)
    for (int bx = 0; bx < s.mask.blocks_x; ++bx)
      if (s.mask.at(bx, by)) {
        sum += s.orientation.coherence_at(bx, by);
        ++n;
      }
  EXPECT_GT(sum / n, 0.4);
}

}  // namespace
}  // namespace ektp::biometrics
