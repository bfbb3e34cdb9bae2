// The public status throttle with a driven clock: the address budget, the per-NIK lockout that
// doubles, the walk alert once per window, and tables that stay bounded.
#include <gtest/gtest.h>

#include "api/public_status_throttle.h"

namespace ektp::api {
namespace {

constexpr std::int64_t kStart = 1'800'000'000'000;

TEST(PublicStatusThrottle, AnAddressHasASmallBudgetPerMinute) {
  PublicStatusThrottle t;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(t.admit("10.0.0.1", "3327010101900001", kStart + i).allowed);
  auto refused = t.admit("10.0.0.1", "3327010101900002", kStart + 10'000);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ms, 50'000);
  EXPECT_TRUE(t.admit("10.0.0.2", "3327010101900002", kStart + 10'000).allowed);  // others are not held
  EXPECT_TRUE(t.admit("10.0.0.1", "3327010101900002", kStart + 60'000).allowed);
}

TEST(PublicStatusThrottle, ANikLocksAfterFiveMissesAndTheLockoutDoubles) {
  PublicStatusThrottle t;
  const std::string nik = "3327010101900001";
  std::int64_t now = kStart;
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(t.admit("10.0.0." + std::to_string(i), nik, now).allowed);
    t.record_miss("10.0.0." + std::to_string(i), nik, now);
  }
  EXPECT_TRUE(t.admit("10.0.1.1", nik, now).allowed);  // five misses are free
  t.record_miss("10.0.1.1", nik, now);
  auto first = t.admit("10.0.1.2", nik, now + 1'000);
  EXPECT_FALSE(first.allowed);
  EXPECT_EQ(first.retry_after_ms, 59'000);
  EXPECT_TRUE(t.admit("10.0.1.3", "3327010101900002", now + 1'000).allowed);  // only this NIK
  now += 60'000;
  EXPECT_TRUE(t.admit("10.0.1.4", nik, now).allowed);
  t.record_miss("10.0.1.4", nik, now);
  EXPECT_EQ(t.admit("10.0.1.5", nik, now).retry_after_ms, 120'000);
  now += 120'000;
  t.record_miss("10.0.1.6", nik, now);
  EXPECT_EQ(t.admit("10.0.1.7", nik, now).retry_after_ms, 240'000);
  // A hit forgives the NIK's misses.
  t.record_hit(nik);
  EXPECT_TRUE(t.admit("10.0.1.8", nik, now).allowed);
}

TEST(PublicStatusThrottle, TheLockoutStopsAtItsMaximum) {
  PublicStatusThrottleOptions o;
  o.nik_lockout_max_ms = 300'000;
  PublicStatusThrottle t(o);
  for (int i = 0; i < 40; ++i) t.record_miss("10.0.0.1", "3327010101900001", kStart);
  EXPECT_EQ(t.admit("10.0.0.2", "3327010101900001", kStart).retry_after_ms, 300'000);
}

TEST(PublicStatusThrottle, AWalkIsReportedOncePerWindow) {
  PublicStatusThrottleOptions o;
  o.walk_distinct_niks = 5;
  o.walk_overall_misses = 8;
  o.walk_window_ms = 60'000;
  PublicStatusThrottle t(o);
  int address_alerts = 0, overall_alerts = 0;
  // The same NIK over and over is not a walk.
  for (int i = 0; i < 7; ++i) address_alerts += t.record_miss("10.0.0.1", "3327010101900001", kStart).address_walk;
  EXPECT_EQ(address_alerts, 0);
  for (int i = 0; i < 10; ++i) {
    auto r = t.record_miss("10.0.0.2", "33270101019000" + std::to_string(10 + i), kStart + i);
    address_alerts += r.address_walk;
    overall_alerts += r.overall_walk;
  }
  EXPECT_EQ(address_alerts, 1);
  EXPECT_EQ(overall_alerts, 1);
  // The next window reports again.
  for (int i = 0; i < 5; ++i) {
    address_alerts += t.record_miss("10.0.0.2", "33270101019001" + std::to_string(10 + i), kStart + 70'000).address_walk;
  }
  EXPECT_EQ(address_alerts, 2);
}

TEST(PublicStatusThrottle, TablesStayBounded) {
  PublicStatusThrottleOptions o;
  o.entries_max = 100;
  PublicStatusThrottle t(o);
  for (int i = 0; i < 5'000; ++i) {
    std::string address = "10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    std::string nik = "3327" + std::to_string(100'000'000'000 + i);
    t.admit(address, nik, kStart + i);
    t.record_miss(address, nik, kStart + i);
  }
  EXPECT_LE(t.address_entries(), 100u);
  EXPECT_LE(t.nik_entries(), 100u);
  // The most recent NIK is still remembered; the oldest are forgotten.
  for (int i = 0; i < 5; ++i) t.record_miss("10.9.9.9", "3327100000004999", kStart + 6'000);
  EXPECT_FALSE(t.admit("10.9.9.8", "3327100000004999", kStart + 6'000).allowed);
}

TEST(PublicStatusThrottle, AMissReportCountsTheNiksMissesUntilAHit) {
  PublicStatusThrottle t;
  const std::string nik = "3327010101900001";
  EXPECT_EQ(t.record_miss("10.0.0.1", nik, kStart).nik_misses, 1u);
  EXPECT_EQ(t.record_miss("10.0.0.2", nik, kStart).nik_misses, 2u);  // from any address
  EXPECT_EQ(t.record_miss("10.0.0.1", "3327010101900002", kStart).nik_misses, 1u);
  t.record_hit(nik);
  EXPECT_EQ(t.record_miss("10.0.0.1", nik, kStart).nik_misses, 1u);
}

}  // namespace
}  // namespace ektp::api
