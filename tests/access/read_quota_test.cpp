#include "access/read_quota.h"

#include "support/test_support.h"

namespace ektp::access {
namespace {

using namespace std::chrono;

constexpr std::int64_t kDay = 20'780;  // a day number; its value does not matter
constexpr std::int64_t kNoon = 1'795'406'400'000;

TEST(ReadQuotaTest, ARoleReadsUpToItsDailyQuotaAndIsRefusedWithoutBeingCharged) {
  ReadQuota quota(ReadQuotaLimits{.operator_per_day = 10, .alert_persons = 1'000});
  auto first = quota.charge("ani", Role::kOperator, 7, kNoon, kDay);
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.used_today, 7u);
  EXPECT_EQ(first.limit, 10u);
  auto over = quota.charge("ani", Role::kOperator, 4, kNoon + 1, kDay);
  EXPECT_FALSE(over.allowed);
  EXPECT_TRUE(over.first_refusal_today);
  EXPECT_EQ(over.used_today, 7u);  // nothing charged
  auto again = quota.charge("ani", Role::kOperator, 4, kNoon + 2, kDay);
  EXPECT_FALSE(again.allowed);
  EXPECT_FALSE(again.first_refusal_today);  // alerted once a day
  EXPECT_TRUE(quota.charge("ani", Role::kOperator, 3, kNoon + 3, kDay).allowed);  // exactly the quota
  EXPECT_FALSE(quota.charge("ani", Role::kOperator, 1, kNoon + 4, kDay).allowed);
  // Another user has their own count; the next day starts afresh.
  EXPECT_TRUE(quota.charge("budi", Role::kOperator, 10, kNoon, kDay).allowed);
  auto tomorrow = quota.charge("ani", Role::kOperator, 10, kNoon + 86'400'000, kDay + 1);
  EXPECT_TRUE(tomorrow.allowed);
  EXPECT_EQ(tomorrow.used_today, 10u);
}

TEST(ReadQuotaTest, QuotasFollowTheRole) {
  ReadQuota quota(ReadQuotaLimits{.operator_per_day = 1, .supervisor_per_day = 3, .adjudicator_per_day = 0,
                                  .admin_per_day = 2, .alert_persons = 1'000});
  EXPECT_FALSE(quota.charge("op", Role::kOperator, 2, kNoon, kDay).allowed);
  EXPECT_TRUE(quota.charge("sup", Role::kSupervisor, 3, kNoon, kDay).allowed);
  EXPECT_FALSE(quota.charge("adj", Role::kAdjudicator, 1, kNoon, kDay).allowed);
  EXPECT_TRUE(quota.charge("adm", Role::kAdmin, 2, kNoon, kDay).allowed);
  EXPECT_FALSE(quota.charge("agency", Role::kAgency, 1, kNoon, kDay).allowed);
  // A huge count neither overflows nor passes.
  EXPECT_FALSE(quota.charge("sup", Role::kSupervisor, std::size_t{1} << 40, kNoon, kDay).allowed);
}

TEST(ReadQuotaTest, ManyReadsInAShortTimeRaiseOneAlertPerWindow) {
  ReadQuota quota(ReadQuotaLimits{.operator_per_day = 100'000, .alert_persons = 50, .alert_window = minutes{10}});
  std::int64_t t = kNoon;
  int alerts = 0;
  for (int i = 0; i < 49; ++i) alerts += quota.charge("ani", Role::kOperator, 1, t += 1'000, kDay).alert ? 1 : 0;
  EXPECT_EQ(alerts, 0);
  auto crossing = quota.charge("ani", Role::kOperator, 1, t += 1'000, kDay);
  EXPECT_TRUE(crossing.alert);
  EXPECT_EQ(crossing.in_window, 50u);
  for (int i = 0; i < 100; ++i) alerts += quota.charge("ani", Role::kOperator, 1, t += 1'000, kDay).alert ? 1 : 0;
  EXPECT_EQ(alerts, 0);  // not again within the window
  // Reading slowly never alerts: one a minute stays far below 50 within 10 minutes.
  ReadQuota slow(ReadQuotaLimits{.operator_per_day = 100'000, .alert_persons = 50, .alert_window = minutes{10}});
  for (int i = 0; i < 500; ++i) {
    EXPECT_FALSE(slow.charge("budi", Role::kOperator, 1, kNoon + i * 60'000LL, kDay).alert) << i;
  }
}

TEST(ReadQuotaTest, TheQuotaOptionIsParsedStrictly) {
  ReadQuotaLimits limits;
  ASSERT_OK(parse_read_quota("operator=5,supervisor=6,adjudicator=7,admin=8,alert=9", limits));
  EXPECT_EQ(limits.operator_per_day, 5u);
  EXPECT_EQ(limits.supervisor_per_day, 6u);
  EXPECT_EQ(limits.adjudicator_per_day, 7u);
  EXPECT_EQ(limits.admin_per_day, 8u);
  EXPECT_EQ(limits.alert_persons, 9u);
  ReadQuotaLimits untouched;
  EXPECT_ERROR(parse_read_quota("operator", untouched), ErrorCode::kInvalidArgument, "not ROLE=COUNT");
  EXPECT_ERROR(parse_read_quota("king=5", untouched), ErrorCode::kInvalidArgument, "'king' is not one of");
  EXPECT_ERROR(parse_read_quota("operator=-1", untouched), ErrorCode::kInvalidArgument, "not a count");
  EXPECT_ERROR(parse_read_quota("operator=5x", untouched), ErrorCode::kInvalidArgument, "not a count");
  EXPECT_ERROR(parse_read_quota("operator=99999999999", untouched), ErrorCode::kInvalidArgument, "not a count");
  EXPECT_ERROR(parse_read_quota("operator=5,", untouched), ErrorCode::kInvalidArgument, "not ROLE=COUNT");
  EXPECT_EQ(untouched.operator_per_day, ReadQuotaLimits{}.operator_per_day);  // a refused option changes nothing
}

}  // namespace
}  // namespace ektp::access
