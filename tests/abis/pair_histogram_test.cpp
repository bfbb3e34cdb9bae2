#include "abis/pair_histogram.h"

#include "abis/synthetic.h"
#include "support/test_support.h"

namespace ektp::abis {
namespace {

TEST(PairHistogram, SelfSimilarityIsOneAndEmptyIsZero) {
  Rng rng(5);
  const auto t = make_impression(make_synthetic_finger(rng), rng);
  const auto h = pair_histogram(t);
  EXPECT_NEAR(histogram_similarity(h, h), 1.0f, 1e-5f);
  EXPECT_EQ(histogram_similarity(h, PairHistogram{}), 0.0f);
}

TEST(PairHistogram, MatesScoreHigherThanNonMatesOnAverage) {
  Rng rng(6);
  double mated = 0, non_mated = 0;
  for (int k = 0; k < 30; ++k) {
    const auto f = make_synthetic_finger(rng), g = make_synthetic_finger(rng);
    const auto a = pair_histogram(make_impression(f, rng));
    mated += histogram_similarity(a, pair_histogram(make_impression(f, rng)));
    non_mated += histogram_similarity(a, pair_histogram(make_impression(g, rng)));
  }
  EXPECT_GT(mated, 1.1 * non_mated);
}

}  // namespace
}  // namespace ektp::abis
