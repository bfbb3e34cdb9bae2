#include "api/rate_limiter.h"

#include <string>

#include "support/test_support.h"

namespace ektp::api {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiterTest, AllowsABurstThenRefuses) {
  RateLimiter limiter(2);
  const auto now = RateLimiter::Clock::now();
  EXPECT_TRUE(limiter.acquire("10.0.0.1", now).allowed);
  EXPECT_TRUE(limiter.acquire("10.0.0.1", now).allowed);
  const RateLimiter::Decision refused = limiter.acquire("10.0.0.1", now);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 500ms);
}

TEST(RateLimiterTest, RefillsWithTime) {
  RateLimiter limiter(10, 1);
  const auto now = RateLimiter::Clock::now();
  EXPECT_TRUE(limiter.acquire("c", now).allowed);
  EXPECT_FALSE(limiter.acquire("c", now + 50ms).allowed);
  EXPECT_TRUE(limiter.acquire("c", now + 100ms).allowed);
  EXPECT_FALSE(limiter.acquire("c", now + 100ms).allowed);
  // Idle time refills only up to the burst.
  EXPECT_TRUE(limiter.acquire("c", now + 10s).allowed);
  EXPECT_FALSE(limiter.acquire("c", now + 10s).allowed);
}

TEST(RateLimiterTest, ClientsAreIndependent) {
  RateLimiter limiter(1);
  const auto now = RateLimiter::Clock::now();
  EXPECT_TRUE(limiter.acquire("a", now).allowed);
  EXPECT_FALSE(limiter.acquire("a", now).allowed);
  EXPECT_TRUE(limiter.acquire("b", now).allowed);
}

TEST(RateLimiterTest, TableIsBoundedAndEvictsTheLeastRecent) {
  RateLimiter limiter(1, 1, 3);
  const auto now = RateLimiter::Clock::now();
  for (int i = 0; i < 100; ++i) limiter.acquire("client-" + std::to_string(i), now);
  EXPECT_EQ(limiter.client_count(), 3u);

  RateLimiter small(1, 1, 2);
  EXPECT_TRUE(small.acquire("a", now).allowed);
  EXPECT_TRUE(small.acquire("b", now).allowed);
  EXPECT_FALSE(small.acquire("a", now).allowed);  // a is now the most recent
  EXPECT_TRUE(small.acquire("c", now).allowed);   // evicts b, not a
  EXPECT_FALSE(small.acquire("a", now).allowed);  // a kept its empty bucket
  EXPECT_EQ(small.client_count(), 2u);
}

}  // namespace
}  // namespace ektp::api
