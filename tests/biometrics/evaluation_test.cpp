#include "biometrics/evaluation.h"

#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(Evaluation, SeparatedScoresHaveZeroErrors) {
  const auto r = error_rates({0.8f, 0.9f, 0.7f}, {0.1f, 0.2f, 0.05f});
  EXPECT_DOUBLE_EQ(r.eer, 0.0);
  EXPECT_DOUBLE_EQ(r.fmr100, 0.0);
  EXPECT_DOUBLE_EQ(r.zero_fmr, 0.0);
}

TEST(Evaluation, OverlapGivesTheCrossingPoint) {
  // 10 genuine, 10 impostor; one of each on the wrong side.
  std::vector<float> g{0.9f, 0.8f, 0.85f, 0.7f, 0.75f, 0.95f, 0.6f, 0.65f, 0.72f, 0.2f};
  std::vector<float> i{0.1f, 0.15f, 0.05f, 0.3f, 0.25f, 0.12f, 0.18f, 0.22f, 0.08f, 0.68f};
  const auto r = error_rates(g, i);
  EXPECT_NEAR(r.eer, 0.1, 1e-9);
  EXPECT_NEAR(r.zero_fmr, 0.3, 1e-9);  // threshold above 0.68 loses 0.2, 0.6, 0.65
}

TEST(Evaluation, ThresholdForFmr) {
  std::vector<float> impostor;
  for (int k = 0; k < 1000; ++k) impostor.push_back(static_cast<float>(k) / 1000.0f);
  const float t = threshold_for_fmr(impostor, 0.01);
  int above = 0;
  for (float s : impostor) above += s >= t;
  EXPECT_LE(above, 10);
  EXPECT_GE(above, 9);
}

TEST(Evaluation, EmptyInputIsWorstCase) {
  EXPECT_DOUBLE_EQ(error_rates({}, {0.1f}).eer, 1.0);
}

}  // namespace
}  // namespace ektp::biometrics
