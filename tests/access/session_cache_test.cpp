#include "access/session_cache.h"

#include <gtest/gtest.h>

namespace ektp::access {
namespace {

using namespace std::chrono;

TEST(SessionCacheTest, ASessionIsRememberedForTheLifetimeOnly) {
  SessionCache cache(milliseconds{10'000}, 100);
  cache.remember("h1", {"ani.op", Role::kOperator, 1'000'000}, 1'000);
  auto found = cache.find("h1", 1'000 + 9'999);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->username, "ani.op");
  EXPECT_EQ(found->role, Role::kOperator);
  EXPECT_FALSE(cache.find("h1", 1'000 + 10'000).has_value());  // checked too long ago
  EXPECT_FALSE(cache.find("h2", 1'000).has_value());           // never seen
  EXPECT_FALSE(cache.find("h1", 999).has_value());             // the clock went back
}

TEST(SessionCacheTest, AnExpiredSessionIsNotServedFromMemory) {
  SessionCache cache(milliseconds{10'000}, 100);
  cache.remember("h1", {"ani.op", Role::kOperator, 5'000}, 1'000);
  EXPECT_TRUE(cache.find("h1", 4'999).has_value());
  EXPECT_FALSE(cache.find("h1", 5'000).has_value());
}

TEST(SessionCacheTest, ClearForgetsEverythingAndMemoryStaysBounded) {
  SessionCache cache(milliseconds{10'000}, 3);
  for (int i = 0; i < 10; ++i) cache.remember("h" + std::to_string(i), {"u", Role::kAdmin, 1'000'000}, 1'000);
  int remembered = 0;
  for (int i = 0; i < 10; ++i) remembered += cache.find("h" + std::to_string(i), 1'000).has_value() ? 1 : 0;
  EXPECT_LE(remembered, 3);
  EXPECT_TRUE(cache.find("h9", 1'000).has_value());  // the newest survives a start-over
  cache.clear();
  EXPECT_FALSE(cache.find("h9", 1'000).has_value());
}

TEST(SessionCacheTest, ZeroLifetimeRemembersNothing) {
  SessionCache cache(milliseconds{0}, 100);
  cache.remember("h1", {"ani.op", Role::kOperator, 1'000'000}, 1'000);
  EXPECT_FALSE(cache.find("h1", 1'000).has_value());
}

}  // namespace
}  // namespace ektp::access
