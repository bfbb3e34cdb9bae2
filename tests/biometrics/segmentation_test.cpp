#include "biometrics/extract/segmentation.h"

#include "stage_fixture.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(Segmentation, FindsThePrintInARealImage) {
  const auto s = testing::run_stages();
  const double f = testing::foreground_fraction(s.mask);
  EXPECT_GT(f, 0.3);
  EXPECT_LT(f, 0.9);
  // The image centre is finger, the corners are background.
  EXPECT_TRUE(s.mask.at_pixel(s.image.width / 2, s.image.height / 2));
  EXPECT_FALSE(s.mask.at_pixel(2, 2));
}

TEST(Segmentation, BlankImageHasNoForeground) {
  GreyImage blank{200, 200, std::vector<std::uint8_t>(200 * 200, 230)};
  const auto mask = segment(blank, block_statistics(blank));
  EXPECT_EQ(testing::foreground_fraction(mask), 0.0);
}

TEST(Segmentation, StatisticsMatchAUniformImage) {
  GreyImage grey{64, 64, std::vector<std::uint8_t>(64 * 64, 100)};
  const auto st = block_statistics(grey);
  EXPECT_EQ(st.blocks_x, 8);
  EXPECT_FLOAT_EQ(st.mean[0], 100.0f);
  EXPECT_FLOAT_EQ(st.stddev[10], 0.0f);
}

}  // namespace
}  // namespace ektp::biometrics
