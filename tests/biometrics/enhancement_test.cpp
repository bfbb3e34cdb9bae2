#include "biometrics/extract/enhancement.h"

#include <random>

#include "biometrics/cylinder.h"
#include "biometrics/matcher.h"
#include "stage_fixture.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

// Concentric ridges (a whorl) of period `period_px` around the image centre.
GreyImage whorl(int w, int h, float period_px) {
  GreyImage g{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float r = std::hypot(x - w / 2.0f, y - h / 2.0f);
      g.pixels[static_cast<std::size_t>(y) * w + x] =
          static_cast<std::uint8_t>(128 + 90 * std::cos(2 * 3.14159265f * r / period_px));
    }
  return g;
}

// A dotted print: ridges that show only as scattered dots of ink, over sensor noise.
GreyImage dotted_ridges(const GreyImage& clean, std::uint32_t seed) {
  GreyImage g = clean;
  std::mt19937 rng(seed);
  std::bernoulli_distribution ink(0.03);
  std::normal_distribution<float> noise(0.0f, 30.0f);
  std::vector<std::uint8_t> dot(g.pixels.size(), 0);
  for (int y = 0; y < g.height; ++y)
    for (int x = 0; x < g.width; ++x) {
      if (!ink(rng)) continue;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int u = std::clamp(x + dx, 0, g.width - 1), v = std::clamp(y + dy, 0, g.height - 1);
          dot[static_cast<std::size_t>(v) * g.width + u] = 1;
        }
    }
  for (std::size_t i = 0; i < g.pixels.size(); ++i) {
    const float ridge = std::max(0.0f, 128.0f - clean.pixels[i]);  // 0 in valleys, up to 90 on ridges
    const float v = 200.0f - (dot[i] ? 1.6f * ridge : 0.2f * ridge) + noise(rng);
    g.pixels[i] = static_cast<std::uint8_t>(std::clamp(v, 0.0f, 255.0f));
  }
  return g;
}

struct FieldErrors {
  double angle_rad = 0;  // mean over blocks away from the centre and the border
  double period_px = 0;  // mean over all blocks
};

// Errors of the fields against the whorl's truth: ridges run around the centre, period 9 px.
FieldErrors field_errors(const Enhancement& e, int side) {
  constexpr float kPi = 3.14159265f;
  FieldErrors err;
  int n = 0;
  for (int by = 2; by < e.orientation.blocks_y - 2; ++by)
    for (int bx = 2; bx < e.orientation.blocks_x - 2; ++bx) {
      const float cx = (bx + 0.5f) * e.orientation.block_px - side / 2.0f;
      const float cy = (by + 0.5f) * e.orientation.block_px - side / 2.0f;
      if (std::hypot(cx, cy) < 16) continue;  // the centre has no orientation
      const float truth = std::fmod(std::atan2(cy, cx) + kPi / 2 + 4 * kPi, kPi);
      const float d = std::abs(truth - e.orientation.angle_at(bx, by));
      err.angle_rad += std::min(d, kPi - d);
      ++n;
    }
  err.angle_rad /= n;
  for (float p : e.period.period_px) err.period_px += std::abs(p - 9.0f);
  err.period_px /= static_cast<double>(e.period.period_px.size());
  return err;
}

// On a dotted print the fields measured on the first enhancement are much closer to the truth
// than those measured on the image itself.
TEST(Enhancement, RefinementCorrectsTheFieldsOfADottedPrint) {
  constexpr int kSide = 192;
  const GreyImage clean = whorl(kSide, kSide, 9.0f);
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    const GreyImage img = dotted_ridges(clean, seed);
    const auto stats = block_statistics(img);
    BlockMask mask = segment(img, stats);
    std::fill(mask.cells.begin(), mask.cells.end(), 1);  // the whole image is print
    const auto norm = normalize(img, stats);
    Enhancement e = enhance(norm, mask);
    const FieldErrors single = field_errors(e, kSide);
    refine(norm, mask, e);
    refine(norm, mask, e);
    const FieldErrors refined = field_errors(e, kSide);
    EXPECT_LT(refined.angle_rad, 0.7 * single.angle_rad) << "seed " << seed;
    EXPECT_LT(refined.period_px, 0.5 * single.period_px) << "seed " << seed;
    EXPECT_LT(refined.angle_rad, 0.05) << "seed " << seed;
  }
}

TEST(Enhancement, RefinementKeepsACleanPrint) {
  const auto s = testing::run_stages();
  Enhancement e = enhance(s.normalized, s.mask);
  refine(s.normalized, s.mask, e);
  ASSERT_EQ(e.enhanced.values.size(), s.enhanced.values.size());
  // Same ridges: the refined and single-pass outputs agree in sign almost everywhere.
  int agree = 0, total = 0;
  for (std::size_t i = 0; i < e.enhanced.values.size(); ++i) {
    if (std::abs(s.enhanced.values[i]) < 0.2f) continue;
    agree += (s.enhanced.values[i] < 0) == (e.enhanced.values[i] < 0);
    ++total;
  }
  EXPECT_GT(static_cast<double>(agree) / total, 0.95);
  EXPECT_EQ(e.enhanced.at(1, 1), 0.0f);  // background stays empty
}

// fvc2002-db2b 109_8 is faint and dotted all over. Every other impression of its finger must
// outscore the first impression of every other finger against it.
TEST(Enhancement, FaintDottedPrintStillFindsItsMates) {
  auto prepared = [](int finger, int impression) {
    return prepare(testing::load_template("fvc2002-db2b", finger, impression, 569));
  };
  const SearchTemplate faint = prepared(109, 8);
  ASSERT_GT(faint.minutiae.size(), 12u);
  float weakest_mate = 1.0f, strongest_stranger = 0.0f;
  for (int impression = 1; impression <= 7; ++impression)
    weakest_mate = std::min(weakest_mate, match_templates(prepared(109, impression), faint));
  for (int finger : {101, 102, 103, 104, 105, 106, 107, 108, 110})
    strongest_stranger = std::max(strongest_stranger, match_templates(prepared(finger, 1), faint));
  EXPECT_GT(weakest_mate, strongest_stranger);
}

}  // namespace
}  // namespace ektp::biometrics
