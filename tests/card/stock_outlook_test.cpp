// The stock outlook from measured use and delivery gaps; no guess without history.
#include "card/stock_outlook.h"

#include <gtest/gtest.h>

namespace ektp::card {
namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kNow = 1'796'300'000'000;

std::vector<std::int64_t> uses(int per_day, int days) {
  std::vector<std::int64_t> out;
  for (int d = 0; d < days; ++d) {
    for (int i = 0; i < per_day; ++i) out.push_back(kNow - d * kDay - i * 1000);
  }
  return out;
}

TEST(StockOutlookTest, DaysLeftAndTheWarningFollowTheMeasuredRates) {
  // 300 a day for 30 days; deliveries every 14 days (two ranges on one delivery day count once).
  const std::vector<std::int64_t> receipts = {kNow - 42 * kDay, kNow - 28 * kDay, kNow - 28 * kDay + 3600'000,
                                              kNow - 14 * kDay};
  auto plenty = stock_outlook_of(6000, uses(300, 30), receipts, kNow);
  EXPECT_EQ(plenty.used_in_window, 9000);
  EXPECT_DOUBLE_EQ(plenty.used_per_day, 300);
  ASSERT_TRUE(plenty.days_left);
  EXPECT_DOUBLE_EQ(*plenty.days_left, 20);
  ASSERT_TRUE(plenty.delivery_gap_days);
  EXPECT_NEAR(*plenty.delivery_gap_days, 14, 1e-9);
  EXPECT_FALSE(plenty.low);
  auto short_stock = stock_outlook_of(3000, uses(300, 30), receipts, kNow);
  EXPECT_DOUBLE_EQ(*short_stock.days_left, 10);
  EXPECT_TRUE(short_stock.low) << "10 days left, deliveries come every 14";
  // Uses older than the window do not count.
  auto old = stock_outlook_of(100, uses(10, 60), receipts, kNow);
  EXPECT_EQ(old.used_in_window, 300);
}

TEST(StockOutlookTest, WithoutHistoryItSaysSoInsteadOfGuessing) {
  auto fresh = stock_outlook_of(500, {}, {kNow - kDay}, kNow);
  EXPECT_FALSE(fresh.days_left);
  EXPECT_FALSE(fresh.delivery_gap_days);
  EXPECT_FALSE(fresh.low);
  auto empty = stock_outlook_of(0, {}, {}, kNow);
  EXPECT_TRUE(empty.low) << "nothing on hand is low whatever the history";
}

}  // namespace
}  // namespace ektp::card
