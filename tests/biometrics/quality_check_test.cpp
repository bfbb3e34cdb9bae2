#include "biometrics/quality_check.h"

#include <cmath>
#include <limits>

#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(QualityCheck, JudgesBothBoundsInclusively) {
  EXPECT_EQ(judge("a", 5, 5, Bound::kMin, "m").outcome, CheckOutcome::kPass);
  EXPECT_EQ(judge("a", 4.9, 5, Bound::kMin, "m").outcome, CheckOutcome::kFail);
  EXPECT_EQ(judge("a", 5, 5, Bound::kMax, "m").outcome, CheckOutcome::kPass);
  EXPECT_EQ(judge("a", 5.1, 5, Bound::kMax, "m").outcome, CheckOutcome::kFail);
  const QualityCheck c = judge("face_too_small", 0.2, 0.32, Bound::kMin, "Wajah terlalu kecil.");
  EXPECT_EQ(c.id, "face_too_small");
  EXPECT_EQ(c.value, 0.2);
  EXPECT_EQ(c.limit, 0.32);
  EXPECT_EQ(c.message, "Wajah terlalu kecil.");
}

TEST(QualityCheck, NotANumberNeverPasses) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (Bound bound : {Bound::kMin, Bound::kMax}) {
    const QualityCheck c = judge("x", nan, 1, bound, "");
    EXPECT_EQ(c.outcome, CheckOutcome::kFail);
    EXPECT_TRUE(std::isfinite(c.value));  // reports (JSON) cannot carry NaN
  }
}

TEST(QualityCheck, SkippedChecksDoNotFailAReport) {
  std::vector<QualityCheck> checks = {judge("a", 1, 0, Bound::kMin, ""),
                                      skipped("b", 1, Bound::kMax, "")};
  EXPECT_TRUE(all_passed(checks));
  EXPECT_TRUE(failed_ids(checks).empty());
  checks.push_back(judge("c", 2, 1, Bound::kMax, ""));
  EXPECT_FALSE(all_passed(checks));
  EXPECT_EQ(failed_ids(checks), std::vector<std::string>{"c"});
  ASSERT_NE(find_check(checks, "b"), nullptr);
  EXPECT_EQ(find_check(checks, "b")->outcome, CheckOutcome::kSkipped);
  EXPECT_EQ(find_check(checks, "zzz"), nullptr);
  EXPECT_EQ(outcome_name(CheckOutcome::kSkipped), "skipped");
  EXPECT_EQ(bound_name(Bound::kMax), "max");
}

}  // namespace
}  // namespace ektp::biometrics
