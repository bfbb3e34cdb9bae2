#include "biometrics/extract/frequency.h"

#include "biometrics/parameters.h"
#include "stage_fixture.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(Frequency, MeasuresTheSyntheticPeriod) {
  for (float period : {7.0f, 10.0f, 13.0f}) {
    const GreyImage img = testing::synthetic_ridges(200, 200, 0.7f, period);
    const auto stats = block_statistics(img);
    const auto mask = segment(img, stats);
    const auto norm = normalize(img, stats);
    const auto field = ridge_period(norm, orientation_field(norm, mask), mask);
    EXPECT_NEAR(field.at(12, 12), period, 0.8f) << period;
  }
}

TEST(Frequency, RealPrintPeriodsStayInRange) {
  const auto s = testing::run_stages();
  for (float p : s.period.period_px) {
    EXPECT_GE(p, parameters::ridge_period_px_min);
    EXPECT_LE(p, parameters::ridge_period_px_max);
  }
}

}  // namespace
}  // namespace ektp::biometrics
