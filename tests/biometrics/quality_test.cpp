#include "biometrics/extract/quality.h"

#include <random>

#include "biometrics/extract/minutiae_detection.h"
#include "biometrics/extract/minutiae_filter.h"
#include "biometrics/extractor.h"
#include "stage_fixture.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(Quality, MinutiaQualityIsSetAndSorted) {
  auto s = testing::run_stages();
  auto m = remove_false_minutiae(detect_minutiae(s.skeleton, s.mask), s.skeleton, s.mask, s.orientation);
  assess_minutiae(m, s.mask, s.orientation, s.image.width, s.image.height);
  ASSERT_FALSE(m.empty());
  for (std::size_t i = 0; i < m.size(); ++i) {
    EXPECT_GE(m[i].quality, 1);
    EXPECT_LE(m[i].quality, 100);
    if (i > 0) {
      EXPECT_LE(m[i].quality, m[i - 1].quality);
    }
  }
}

TEST(Quality, GoodPrintScoresBetterThanNoise) {
  const auto good = extract(testing::load_image("fvc2002-db1b", 101, 1), 500);
  ASSERT_OK(good);
  EXPECT_LE(good->image_quality, 2);
  GreyImage noise{300, 300, std::vector<std::uint8_t>(90000)};
  std::mt19937 rng(5);
  for (auto& p : noise.pixels) p = static_cast<std::uint8_t>(rng());
  const auto bad = extract(noise, 500);
  if (bad) {
    EXPECT_GE(bad->image_quality, 4);
  }
}

TEST(Quality, EmptyMaskIsWorst) {
  BlockMask mask{4, 4, 8, std::vector<std::uint8_t>(16, 0)};
  OrientationField field{4, 4, 8, std::vector<float>(16, 0.0f), std::vector<float>(16, 0.0f)};
  EXPECT_EQ(image_quality_level(mask, field, 0), 5);
}

}  // namespace
}  // namespace ektp::biometrics
