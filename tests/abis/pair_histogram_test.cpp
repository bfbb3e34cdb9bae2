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

namespace ektp::abis {
namespace {

TEST(CenteredHistogram, SelfIsOneEmptyAndMeanAreZero) {
  Rng rng(7);
  std::vector<PairHistogram> population;
  for (int k = 0; k < 40; ++k) population.push_back(pair_histogram(make_impression(make_synthetic_finger(rng), rng)));
  const PopulationMean mean = population_mean(population);
  EXPECT_GT(mean.mean_squared, 0.0f);
  const auto& h = population[3];
  EXPECT_NEAR(centered_similarity(centered_probe(h, mean), h, centered_terms(h, mean)), 1.0f, 1e-4f);
  EXPECT_EQ(centered_similarity(centered_probe(h, mean), PairHistogram{}, centered_terms(PairHistogram{}, mean)), 0.0f);
  EXPECT_EQ(centered_similarity(centered_probe(PairHistogram{}, mean), h, centered_terms(h, mean)), 0.0f);
  // Without a population (zero mean) it is the plain cosine of the histograms: still 1 for itself.
  EXPECT_NEAR(centered_similarity(centered_probe(h, {}), h, centered_terms(h, {})), 1.0f, 1e-4f);
  EXPECT_EQ(population_mean({}).mean_squared, 0.0f);
}

// How many of `impostors` outscore the mate, per finger, summed over 40 fingers.
template <class Score>
int impostors_above_mates(Score score) {
  Rng rng(8);
  std::vector<SyntheticFinger> fingers;
  for (int k = 0; k < 240; ++k) fingers.push_back(make_synthetic_finger(rng));
  int above = 0;
  for (int k = 0; k < 40; ++k) {
    const auto probe = pair_histogram(make_impression(fingers[static_cast<std::size_t>(k)], rng));
    const float mate = score(probe, pair_histogram(make_impression(fingers[static_cast<std::size_t>(k)], rng)));
    for (int j = 40; j < 240; ++j)
      above += score(probe, pair_histogram(make_impression(fingers[static_cast<std::size_t>(j)], rng))) > mate;
  }
  return above;
}

TEST(CenteredHistogram, RanksMatesAboveStrangersBetterThanIntersection) {
  // The reason the first stage centres: intersection mostly scores the shape all histograms
  // share, so strangers outrank a mate far more often.
  Rng rng(9);
  std::vector<PairHistogram> population;
  for (int k = 0; k < 500; ++k) population.push_back(pair_histogram(make_impression(make_synthetic_finger(rng), rng)));
  const PopulationMean mean = population_mean(population);
  const int intersection = impostors_above_mates([](const PairHistogram& a, const PairHistogram& b) {
    return histogram_similarity(a, b);
  });
  const int centered = impostors_above_mates([&](const PairHistogram& a, const PairHistogram& b) {
    return centered_similarity(centered_probe(a, mean), b, centered_terms(b, mean));
  });
  EXPECT_LT(centered * 2, intersection) << "centred " << centered << ", intersection " << intersection;
}

}  // namespace
}  // namespace ektp::abis
