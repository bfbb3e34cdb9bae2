#include "abis/synthetic.h"

#include "biometrics/matcher.h"
#include "biometrics/template_format.h"
#include "support/test_support.h"

namespace ektp::abis {
namespace {

namespace bio = ektp::biometrics;

TEST(Synthetic, MastersHaveRealisticCountsAndSpacing) {
  Rng rng(1);
  for (int k = 0; k < 20; ++k) {
    const auto f = make_synthetic_finger(rng);
    EXPECT_GE(f.master.minutiae.size(), 20u);
    EXPECT_LE(f.master.minutiae.size(), 90u);
    EXPECT_OK(bio::validate(f.master));
  }
}

TEST(Synthetic, ImpressionsAreValidDistortedAndPartial) {
  Rng rng(2);
  const auto f = make_synthetic_finger(rng);
  const auto a = make_impression(f, rng), b = make_impression(f, rng);
  EXPECT_OK(bio::validate(a));
  EXPECT_LT(a.minutiae.size(), f.master.minutiae.size() + 12);
  EXPECT_NE(a.minutiae.front().x, b.minutiae.front().x);
}

TEST(Synthetic, SameFingerMatchesBetterThanOtherFingers) {
  Rng rng(3);
  double genuine = 0, impostor = 0;
  constexpr int kFingers = 10;
  std::vector<SyntheticFinger> fingers;
  for (int k = 0; k < kFingers; ++k) fingers.push_back(make_synthetic_finger(rng));
  for (int k = 0; k < kFingers; ++k) {
    const auto a = bio::prepare(make_impression(fingers[static_cast<std::size_t>(k)], rng));
    genuine += bio::match_templates(a, bio::prepare(make_impression(fingers[static_cast<std::size_t>(k)], rng)));
    impostor += bio::match_templates(a, bio::prepare(make_impression(fingers[static_cast<std::size_t>((k + 1) % kFingers)], rng)));
  }
  EXPECT_GT(genuine, 3 * impostor);
}

TEST(Synthetic, DeterministicForASeed) {
  Rng a(42), b(42);
  const auto fa = make_synthetic_finger(a), fb = make_synthetic_finger(b);
  ASSERT_EQ(fa.master.minutiae.size(), fb.master.minutiae.size());
  EXPECT_EQ(fa.master.minutiae[5].x, fb.master.minutiae[5].x);
}

}  // namespace
}  // namespace ektp::abis
