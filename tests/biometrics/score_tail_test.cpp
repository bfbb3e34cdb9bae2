#include "biometrics/score_tail.h"

#include <cmath>
#include <limits>
#include <random>

#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

std::vector<float> exponential_scores(std::size_t n, double rate, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::exponential_distribution<double> d(rate);
  std::vector<float> out(n);
  for (float& v : out) v = static_cast<float>(d(random));
  return out;
}

TEST(ScoreTail, ExponentialTailExtrapolatesToTheTrueThreshold) {
  // P(S >= t) = exp(-50 t): FMR 1e-5 sits at ln(1e5) / 50 = 0.2303, far beyond the 200,000
  // scores' top 1 % (which ends near ln(100) / 50 = 0.092).
  const auto scores = exponential_scores(200'000, 50.0, 7);
  auto fit = fit_score_tail(scores);
  ASSERT_TRUE(fit.has_value()) << fit.error().message;
  EXPECT_EQ(fit->exceedances, 2'000u);
  EXPECT_NEAR(fit->shape, 0.0, 0.08);
  EXPECT_NEAR(fit->scale, 1.0 / 50, 0.002);
  const double truth = std::log(1e5) / 50;
  EXPECT_NEAR(tail_threshold(*fit, 1e-5), truth, 0.05 * truth);
  auto t = tail_threshold_with_interval(scores, 1e-5);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_LE(t->interval_low, truth);
  EXPECT_GE(t->interval_high, truth);
  EXPECT_LT(t->interval_low, t->threshold);
  EXPECT_GT(t->interval_high, t->threshold);
}

TEST(ScoreTail, BoundedTailStaysBelowItsEnd) {
  // Uniform scores on [0, 1]: shape -1, and no threshold can exceed 1.
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> d(0.0, 1.0);
  std::vector<float> scores(100'000);
  for (float& v : scores) v = static_cast<float>(d(random));
  auto fit = fit_score_tail(scores);
  ASSERT_TRUE(fit.has_value()) << fit.error().message;
  EXPECT_NEAR(fit->shape, -1.0, 0.15);
  const float t = tail_threshold(*fit, 1e-5);
  EXPECT_GT(t, 0.995f);
  EXPECT_LT(t, 1.002f);
}

TEST(ScoreTail, InsideTheDataTheFitAgreesWithCounting) {
  const auto scores = exponential_scores(100'000, 20.0, 11);
  auto fit = fit_score_tail(scores);
  ASSERT_TRUE(fit.has_value());
  const float t = tail_threshold(*fit, 1e-3);  // 100 scores above it, expected
  int above = 0;
  for (float s : scores) above += s >= t;
  EXPECT_GT(above, 70);
  EXPECT_LT(above, 130);
  // The same scores give the same interval: the bootstrap is seeded.
  auto a = tail_threshold_with_interval(scores, 1e-5);
  auto b = tail_threshold_with_interval(scores, 1e-5);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->interval_low, b->interval_low);
  EXPECT_EQ(a->interval_high, b->interval_high);
}

TEST(ScoreTail, RefusesWhatCannotBeFitted) {
  auto few = fit_score_tail(exponential_scores(1'000, 10.0, 1));  // 10 in the top 1 %
  ASSERT_FALSE(few.has_value());
  EXPECT_NE(few.error().message.find("at least 50"), std::string::npos) << few.error().message;
  EXPECT_FALSE(fit_score_tail(std::vector<float>(100'000, 0.25f)).has_value());  // all ties
  EXPECT_FALSE(fit_score_tail({}).has_value());
  const auto scores = exponential_scores(20'000, 10.0, 2);
  EXPECT_FALSE(fit_score_tail(scores, 0.0).has_value());
  EXPECT_FALSE(fit_score_tail(scores, 0.5).has_value());
  EXPECT_FALSE(tail_threshold_with_interval(scores, 0.05).has_value());  // not in the tail
  EXPECT_FALSE(tail_threshold_with_interval(scores, 0.0).has_value());
  EXPECT_FALSE(tail_threshold_with_interval(scores, 1e-5, 0.01, 0).has_value());
  auto with_nan = scores;
  with_nan[17] = std::numeric_limits<float>::quiet_NaN();
  auto nan = fit_score_tail(with_nan);
  ASSERT_FALSE(nan.has_value());
  EXPECT_NE(nan.error().message.find("17"), std::string::npos);
  with_nan[17] = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(fit_score_tail(with_nan).has_value());
}

}  // namespace
}  // namespace ektp::biometrics
