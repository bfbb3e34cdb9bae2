// The daily quota on SQLite and PostgreSQL: the call past the quota is refused with the reset
// time and counts nothing, a new Jakarta day starts again, and agencies count apart.
#include "agency/agency_quota.h"

#include <gtest/gtest.h>

#include "agency_fixture.h"

namespace ektp::agency {
namespace {

using test_fixture::kDayMs;

// 2026-12-03 23:59:59.999 WIB is 16:59:59.999 UTC.
constexpr std::int64_t kMidnightWibMs = 1'796'317'200'000;  // 2026-12-04 00:00 WIB
constexpr std::int64_t kEveningMs = kMidnightWibMs - 3'600'000;

class AgencyQuotaTest : public test_fixture::AgencyTest {
 protected:
  Result<QuotaUse> call(std::string_view agency, std::int64_t at_ms, std::int64_t quota, std::int64_t calls = 1) {
    return store::with_write_transaction<QuotaUse>(
        db(), [&](store::Connection& conn) { return count_call(conn, agency, at_ms, quota, calls); });
  }
};

TEST(AgencyQuotaDayTest, TheDayAndItsResetAreJakartas) {
  EXPECT_EQ(quota_reset_ms(kEveningMs), kMidnightWibMs);
  EXPECT_EQ(quota_reset_ms(kMidnightWibMs - 1), kMidnightWibMs);
  EXPECT_EQ(quota_reset_ms(kMidnightWibMs), kMidnightWibMs + kDayMs);
  EXPECT_EQ(jakarta_day_of_ms(kMidnightWibMs) - jakarta_day_of_ms(kMidnightWibMs - 1), 1);
  EXPECT_EQ(jakarta_day_of_ms(-7 * 3'600'000), 0);
  EXPECT_EQ(jakarta_day_of_ms(-7 * 3'600'000 - 1), -1);
}

TEST_P(AgencyQuotaTest, TheCallPastTheQuotaIsRefusedWithTheResetTime) {
  constexpr std::int64_t kQuota = 3;
  for (std::int64_t i = 1; i <= kQuota; ++i) {
    auto use = call("bpjs-kesehatan", kEveningMs, kQuota);
    ASSERT_OK(use);
    EXPECT_EQ(use->calls_today, i);
    EXPECT_EQ(use->reset_at_ms, kMidnightWibMs);
  }
  auto refused = call("bpjs-kesehatan", kEveningMs + 1000, kQuota);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(refused.error().reason, agency_reason::kQuotaExceeded);
  EXPECT_NE(refused.error().message.find("2026-12-04 00:00 WIB"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find(std::to_string(kMidnightWibMs)), std::string::npos);
  // Refusals count nothing.
  {
    auto conn = db().connect();
    ASSERT_OK(conn);
    EXPECT_EQ(quota_use(**conn, "bpjs-kesehatan", kEveningMs, kQuota)->calls_today, kQuota);
  }
  // Another agency has its own count.
  EXPECT_OK(call("bank-bri", kEveningMs, kQuota));
  // A new Jakarta day starts again (at 00:00 WIB, not UTC).
  auto tomorrow = call("bpjs-kesehatan", kMidnightWibMs, kQuota);
  ASSERT_OK(tomorrow);
  EXPECT_EQ(tomorrow->calls_today, 1);
  EXPECT_EQ(tomorrow->reset_at_ms, kMidnightWibMs + kDayMs);
}

TEST_P(AgencyQuotaTest, ABulkCallCountsItsRowsAndMayNotPassTheQuota) {
  EXPECT_OK(call("bpjs-kesehatan", kEveningMs, 100, 60));
  auto refused = call("bpjs-kesehatan", kEveningMs, 100, 41);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, agency_reason::kQuotaExceeded);
  auto rest = call("bpjs-kesehatan", kEveningMs, 100, 40);
  ASSERT_OK(rest);
  EXPECT_EQ(rest->calls_today, 100);
  EXPECT_EQ(call("bpjs-kesehatan", kMidnightWibMs, 100, 101).error().reason, agency_reason::kQuotaExceeded);
  EXPECT_ERROR(call("bpjs-kesehatan", kEveningMs, 0), ErrorCode::kInvalidArgument, "quota");
  EXPECT_ERROR(call("bpjs-kesehatan", kEveningMs, 10, 0), ErrorCode::kInvalidArgument, "calls");
}

TEST_P(AgencyQuotaTest, ACallThatRollsBackIsNotCounted) {
  auto failed = store::with_write_transaction<bool>(db(), [&](store::Connection& conn) -> Result<bool> {
    EKTP_RETURN_IF_ERROR(count_call(conn, "bpjs-kesehatan", kEveningMs, 5));
    return failed_precondition("the call itself failed");
  });
  ASSERT_FALSE(failed.has_value());
  auto conn = db().connect();
  ASSERT_OK(conn);
  EXPECT_EQ(quota_use(**conn, "bpjs-kesehatan", kEveningMs, 5)->calls_today, 0);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AgencyQuotaTest);

}  // namespace
}  // namespace ektp::agency
