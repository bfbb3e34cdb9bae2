// The off-hours burst watch on SQLite and PostgreSQL: usual hours are learned from the agency's
// own days before today, a burst at night after a fortnight of office hours is caught and the
// same burst in office hours is not, an agency with too short a history is never judged, and old
// buckets are pruned.
#include "agency/call_burst_watch.h"

#include "agency_fixture.h"

namespace ektp::agency {
namespace {

using test_fixture::AgencyTest;
using test_fixture::kDayMs;

constexpr std::int64_t kHourMs = 3'600'000;
// 2026-12-04 00:00 WIB (17:00 UTC the day before).
constexpr std::int64_t kTodayWibMs = 1'796'317'200'000;

class CallBurstWatchTest : public AgencyTest {
 protected:
  // `calls` calls at hour:05 WIB on `day` (0 = today, -1 = yesterday …).
  std::int64_t count(int day, int hour, std::int64_t calls, std::string agency = "bpjs-kesehatan") {
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto in_bucket = count_call_bucket(**conn, agency, at(day, hour), calls);
    EXPECT_OK(in_bucket);
    return in_bucket ? *in_bucket : -1;
  }
  static std::int64_t at(int day, int hour) { return kTodayWibMs + day * kDayMs + hour * kHourMs + 5 * 60'000; }
  // Office hours 08–16 WIB on each of the `days` days before today.
  void office_history(int days) {
    for (int d = 1; d <= days; ++d) {
      for (int h = 8; h < 17; ++h) count(-d, h, 20);
    }
  }
  std::optional<std::string> burst(int hour, std::int64_t in_bucket) {
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto signal = off_hours_burst(**conn, "bpjs-kesehatan", at(0, hour), in_bucket);
    EXPECT_OK(signal);
    return signal ? *signal : std::nullopt;
  }
};

TEST_P(CallBurstWatchTest, CallsAreCountedPerAgencyInTenMinuteBuckets) {
  EXPECT_EQ(count(0, 2, 1), 1);
  EXPECT_EQ(count(0, 2, 1), 2);
  EXPECT_EQ(count(0, 2, 5), 7);
  EXPECT_EQ(count(0, 2, 1, "bank-bri"), 1) << "another agency counts apart";
  EXPECT_EQ(count(0, 3, 1), 1) << "another bucket";
}

TEST_P(CallBurstWatchTest, UsualHoursAreLearnedFromTheDaysBeforeToday) {
  office_history(10);
  count(0, 2, 500);  // today's own calls are not part of the profile
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto usual = usual_hours(**conn, "bpjs-kesehatan", at(0, 2));
  ASSERT_OK(usual);
  ASSERT_TRUE(usual->has_value());
  EXPECT_EQ((*usual)->days_seen, 10);
  for (int h = 0; h < 24; ++h) {
    EXPECT_EQ((*usual)->hour[h], h >= 8 && h < 17) << "hour " << h;
  }
}

TEST_P(CallBurstWatchTest, ABurstAtNightAfterAFortnightOfOfficeHoursIsCaught) {
  office_history(14);
  auto caught = burst(2, kBurstCallsMin);
  ASSERT_TRUE(caught.has_value());
  EXPECT_NE(caught->find("100 calls within 10 minutes at 02 WIB"), std::string::npos) << *caught;
  EXPECT_NE(caught->find("08–17 WIB"), std::string::npos) << *caught;
  EXPECT_FALSE(burst(2, kBurstCallsMin - 1).has_value()) << "fewer calls are no burst";
  EXPECT_FALSE(burst(2, kBurstCallsMin + 1).has_value()) << "looked at only at each multiple";
  EXPECT_TRUE(burst(2, 2 * kBurstCallsMin).has_value());
  EXPECT_FALSE(burst(10, kBurstCallsMin).has_value()) << "the same burst in office hours";
  EXPECT_FALSE(burst(8, 5 * kBurstCallsMin).has_value());
}

TEST_P(CallBurstWatchTest, AnAgencyWithTooShortAHistoryIsNeverJudged) {
  office_history(kProfileDaysMin - 1);
  EXPECT_FALSE(burst(2, kBurstCallsMin).has_value());
  // A day with calls a month and more ago is outside the profile.
  for (int h = 8; h < 17; ++h) count(-(kProfileDays + 1), h, 20);
  EXPECT_FALSE(burst(2, kBurstCallsMin).has_value());
  count(-(kProfileDaysMin), 9, 20);
  EXPECT_TRUE(burst(2, kBurstCallsMin).has_value()) << "the 7th day gives a profile";
}

TEST_P(CallBurstWatchTest, OldBucketsArePruned) {
  count(-(kBucketKeepDays + 1), 9, 3);
  count(-(kBucketKeepDays - 1), 9, 4);
  auto conn = db().connect();
  ASSERT_OK(conn);
  ASSERT_OK(prune_call_buckets(**conn, at(0, 9)));
  auto rows = (*conn)->execute("SELECT SUM(calls) FROM agency_call_buckets", {});
  ASSERT_OK(rows);
  EXPECT_EQ(rows->rows.front().integer(0), 4);
}

EKTP_INSTANTIATE_FOR_BACKENDS(CallBurstWatchTest);

}  // namespace
}  // namespace ektp::agency
