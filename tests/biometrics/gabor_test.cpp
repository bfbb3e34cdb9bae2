#include "biometrics/extract/gabor.h"

#include <random>

#include "stage_fixture.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

// Enhancement must keep ridges where they are: dark input pixels give negative output.
TEST(Gabor, KeepsRidgePolarityAndRemovesNoise) {
  GreyImage img = testing::synthetic_ridges(160, 160, 0.4f, 9.0f);
  const GreyImage clean = img;
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 40.0f);
  for (auto& p : img.pixels) p = static_cast<std::uint8_t>(std::clamp(p + noise(rng), 0.0f, 255.0f));
  const auto stats = block_statistics(img);
  const auto mask = segment(img, stats);
  const auto norm = normalize(img, stats);
  const auto orient = orientation_field(norm, mask);
  const auto enhanced = gabor_enhance(norm, orient, ridge_period(norm, orient, mask), mask);
  int agree = 0, total = 0;
  for (int y = 40; y < 120; ++y)
    for (int x = 40; x < 120; ++x) {
      const int v = clean.at(x, y);
      if (std::abs(v - 128) < 40) continue;  // skip ridge flanks
      agree += (v < 128) == (enhanced.at(x, y) < 0);
      ++total;
    }
  EXPECT_GT(static_cast<double>(agree) / total, 0.95);
}

TEST(Gabor, BackgroundStaysZero) {
  const auto s = testing::run_stages();
  EXPECT_EQ(s.enhanced.at(1, 1), 0.0f);
}

}  // namespace
}  // namespace ektp::biometrics
