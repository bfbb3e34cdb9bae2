#include "biometrics/extract/minutiae_detection.h"

#include <numbers>

#include "stage_fixture.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(MinutiaeDetection, EndingAndBifurcationOnADrawnSkeleton) {
  GreyImage g{60, 40, std::vector<std::uint8_t>(60 * 40, 0)};
  for (int x = 10; x <= 50; ++x) g.pixels[20 * 60 + static_cast<std::size_t>(x)] = 1;       // ridge
  for (int d = 1; d <= 15; ++d) g.pixels[static_cast<std::size_t>(20 - d) * 60 + 30 + d] = 1;  // branch up-right
  BlockMask mask{8, 5, 8, std::vector<std::uint8_t>(40, 1)};
  const auto found = detect_minutiae(g, mask);
  int endings = 0, forks = 0;
  for (const Minutia& m : found) {
    if (m.type == MinutiaType::kEnding) ++endings;
    if (m.type == MinutiaType::kBifurcation) {
      ++forks;
      EXPECT_NEAR(m.x, 30, 1);
      // The two closest branches run right and up-right: direction between them (about 22 deg).
      EXPECT_NEAR(m.angle_rad, std::numbers::pi_v<float> / 8, 0.25f);
    }
    if (m.type == MinutiaType::kEnding && m.x == 10) {
      EXPECT_NEAR(m.angle_rad, 0.0f, 0.15f);  // points into its ridge, to the right
    }
  }
  EXPECT_EQ(endings, 3);
  EXPECT_EQ(forks, 1);
}

TEST(MinutiaeDetection, ImageVectorAngleIsCounterClockwiseWithYUp) {
  EXPECT_NEAR(image_vector_angle(1, 0), 0.0f, 1e-6f);
  EXPECT_NEAR(image_vector_angle(0, -1), std::numbers::pi_v<float> / 2, 1e-6f);
  EXPECT_NEAR(image_vector_angle(0, 1), 3 * std::numbers::pi_v<float> / 2, 1e-6f);
}

TEST(MinutiaeDetection, RealPrintGivesManyCandidates) {
  const auto s = testing::run_stages();
  EXPECT_GT(detect_minutiae(s.skeleton, s.mask).size(), 30u);
}

}  // namespace
}  // namespace ektp::biometrics
