#include "biometrics/extract/thinning.h"

#include "biometrics/extract/skeleton.h"
#include "stage_fixture.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(Thinning, ThickBarBecomesOnePixelLine) {
  GreyImage bar{40, 20, std::vector<std::uint8_t>(800, 0)};
  for (int y = 7; y < 13; ++y)
    for (int x = 5; x < 35; ++x) bar.pixels[static_cast<std::size_t>(y) * 40 + x] = 1;
  const GreyImage skel = thin(bar);
  for (int x = 10; x < 30; ++x) {
    int column = 0;
    for (int y = 0; y < 20; ++y) column += skel.at(x, y);
    EXPECT_EQ(column, 1) << "x=" << x;
  }
}

TEST(Thinning, RealSkeletonLinePixelsHaveTwoNeighbourRuns) {
  const auto s = testing::run_stages();
  int pixels = 0, ridge = 0;
  for (int y = 1; y + 1 < s.skeleton.height; ++y)
    for (int x = 1; x + 1 < s.skeleton.width; ++x)
      if (s.skeleton.at(x, y)) {
        ++pixels;
        ridge += crossing_number(s.skeleton, x, y) == 2;
      }
  EXPECT_GT(pixels, 1000);
  EXPECT_GT(static_cast<double>(ridge) / pixels, 0.97);
}

TEST(Thinning, BinarizeIsEmptyOutsideTheMask) {
  const auto s = testing::run_stages();
  const GreyImage b = binarize(s.enhanced, s.mask);
  EXPECT_EQ(b.at(0, 0), 0);
}

}  // namespace
}  // namespace ektp::biometrics
