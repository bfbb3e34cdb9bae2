// The ready date of a waiting print request from the office's measured past: its interval follows
// the stock, the announced deliveries, the printing pace and the overtaking requests; it says no
// date instead of inventing one; the same input gives the same answer, alone or in a batch.
#include "card/ready_date.h"

#include <gtest/gtest.h>

namespace ektp::card {
namespace {

using namespace std::chrono;

const std::int64_t kToday = day_number_of(CivilDate{year{2026}, November, day{30}});  // a Monday

bool weekend(std::int64_t d) {
  const auto wd = weekday{sys_days{days{d}}}.c_encoding();
  return wd == 0 || wd == 6;
}

// `working_days` working days before today, each printing `per_day` with stock; every
// `breakdown_every`-th of them (0: none) printed nothing; `first_per_day` first-time and
// `urgent_per_day` urgent requests arrived each day. Deliveries of 3000 every 14 days, announced a
// week ahead and arriving 0–2 days late.
OfficeHistory steady(int per_day, int working_days = 60, int first_per_day = 0, int urgent_per_day = 0,
                     int breakdown_every = 0) {
  OfficeHistory h;
  std::vector<PastDay> back;
  int n = 0;
  for (std::int64_t d = kToday - 1; n < working_days; --d) {
    if (weekend(d)) continue;
    PastDay p;
    p.day = d;
    p.had_stock = true;
    p.printed = breakdown_every > 0 && n % breakdown_every == 0 ? 0 : per_day;
    p.new_first = first_per_day;
    p.new_urgent_first = urgent_per_day;
    back.push_back(p);
    ++n;
  }
  h.days.assign(back.rbegin(), back.rend());
  for (int k = 8; k >= 1; --k) {
    PastDelivery d;
    d.arrived_day = kToday - 14 * k + 3;
    d.count = 3000;
    d.announced_for = d.arrived_day - (k % 3);
    d.announced_on = *d.announced_for - 7;
    h.deliveries.push_back(d);
  }
  return h;
}

OfficeNow stock(std::int64_t on_hand, std::vector<ExpectedDelivery> announced = {}) {
  OfficeNow now;
  now.today = kToday;
  now.on_hand = on_hand;
  now.announced = std::move(announced);
  return now;
}

ReadyEstimate dated(const Result<ReadyAnswer>& a) {
  EXPECT_TRUE(a.has_value());
  if (!a.has_value()) return {};
  EXPECT_TRUE(a->has_date()) << a->no_date_reason;
  return a->estimate.value_or(ReadyEstimate{});
}

TEST(ReadyDateTest, NextInLineWithStockAndASteadyPrinterIsReadyToday) {
  const ReadyEstimate e = dated(estimate_ready_date(steady(300), stock(2000), QueueEntry{0, false, false}));
  EXPECT_EQ(e.p10, kToday);
  EXPECT_LE(e.p90 - kToday, 1);
  // 1,000 ahead at 300 a day: the fourth working day, Thursday.
  const ReadyEstimate later = dated(estimate_ready_date(steady(300), stock(2000), QueueEntry{1000, false, false}));
  EXPECT_EQ(later.p50, kToday + 3);
  EXPECT_LE(later.p90 - later.p10, 1);
}

TEST(ReadyDateTest, APositionBeyondTheStockWaitsForTheAnnouncedDelivery) {
  const std::int64_t expected = kToday + 10;
  const ReadyEstimate e = dated(estimate_ready_date(steady(300), stock(300, {{expected, 3000}}), QueueEntry{1000, false, false}));
  EXPECT_GE(e.p10, expected) << "measured deliveries came on time or late, never early";
  EXPECT_LE(e.p90, expected + 2 + 7) << "at most the measured slip, then a few days of printing";
  // Within the stock it does not wait.
  const ReadyEstimate in_stock = dated(estimate_ready_date(steady(300), stock(300, {{expected, 3000}}), QueueEntry{100, false, false}));
  EXPECT_EQ(in_stock.p90, kToday);
}

TEST(ReadyDateTest, BeyondEveryAnnouncedDeliveryItUsesTheMeasuredGapsAndWidens) {
  const auto h = steady(300);
  const ReadyEstimate near = dated(estimate_ready_date(h, stock(300, {{kToday + 5, 3000}}), QueueEntry{2000, false, false}));
  const ReadyEstimate far = dated(estimate_ready_date(h, stock(300, {{kToday + 5, 3000}}), QueueEntry{8000, false, false}));
  EXPECT_GT(far.p10, near.p90);
  EXPECT_GT(far.p90 - far.p10, near.p90 - near.p10);
}

TEST(ReadyDateTest, NoStockAndNoDeliveryAnnouncedGivesNoDate) {
  for (const OfficeHistory& h : {steady(300), OfficeHistory{}}) {
    auto a = estimate_ready_date(h, stock(0), QueueEntry{0, true, false});
    ASSERT_TRUE(a.has_value());
    EXPECT_FALSE(a->has_date());
    EXPECT_EQ(a->no_date_reason, ready_reason::kNoStockNoDelivery);
  }
  // An announced delivery is enough to give a date.
  EXPECT_TRUE(estimate_ready_date(steady(300), stock(0, {{kToday + 7, 500}}), QueueEntry{0, false, false})->has_date());
}

TEST(ReadyDateTest, TooLittleHistoryGivesNoDate) {
  auto none = estimate_ready_date(OfficeHistory{}, stock(500), QueueEntry{0, false, false});
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->no_date_reason, ready_reason::kNoHistory);
  auto short_history = estimate_ready_date(steady(300, static_cast<int>(kMinStockDays) - 1), stock(500), QueueEntry{0, false, false});
  EXPECT_EQ(short_history->no_date_reason, ready_reason::kNoHistory);
  // Days without stock are not measurements of the printer.
  OfficeHistory idle = steady(300);
  for (PastDay& d : idle.days) d = PastDay{d.day, 0, 0, false, false, 0, 0, 0, 0};
  EXPECT_EQ(estimate_ready_date(idle, stock(500), QueueEntry{0, false, false})->no_date_reason, ready_reason::kNoHistory);
  // Past the stock and the announced deliveries with one delivery measured: no gap to go by.
  OfficeHistory one_delivery = steady(300);
  one_delivery.deliveries.erase(one_delivery.deliveries.begin(), one_delivery.deliveries.end() - 1);
  EXPECT_TRUE(estimate_ready_date(one_delivery, stock(500), QueueEntry{100, false, false})->has_date());
  EXPECT_EQ(estimate_ready_date(one_delivery, stock(500), QueueEntry{5000, false, false})->no_date_reason,
            ready_reason::kNoHistory);
}

TEST(ReadyDateTest, AReplacementIsOvertakenByMeasuredFirstTimeArrivals) {
  const auto h = steady(300, 60, /*first_per_day=*/150, /*urgent_per_day=*/10);
  const auto now = stock(100'000);
  const ReadyEstimate first = dated(estimate_ready_date(h, now, QueueEntry{3000, false, false}));
  const ReadyEstimate replacement = dated(estimate_ready_date(h, now, QueueEntry{3000, false, true}));
  const ReadyEstimate urgent = dated(estimate_ready_date(h, now, QueueEntry{3000, true, false}));
  EXPECT_GT(replacement.p50, first.p50);
  EXPECT_GE(replacement.p10, first.p10);
  EXPECT_GE(replacement.p90, first.p90);
  EXPECT_GE(first.p50, urgent.p50) << "urgent arrivals overtake a first-time request";
  // Without overtaking arrivals a replacement waits as long as a first-time request.
  const ReadyEstimate alone = dated(estimate_ready_date(steady(300), now, QueueEntry{3000, false, true}));
  EXPECT_EQ(alone.p50, dated(estimate_ready_date(steady(300), now, QueueEntry{3000, false, false})).p50);
  // Overtaken faster than cards are printed: never within the horizon.
  auto starved = estimate_ready_date(steady(300, 60, 400), now, QueueEntry{3000, false, true});
  ASSERT_TRUE(starved.has_value());
  EXPECT_EQ(starved->no_date_reason, ready_reason::kBeyondHorizon);
}

TEST(ReadyDateTest, BreakdownsInTheHistoryWidenTheInterval) {
  const auto now = stock(100'000);
  const ReadyEstimate steady_e = dated(estimate_ready_date(steady(300), now, QueueEntry{6000, false, false}));
  const ReadyEstimate broken = dated(estimate_ready_date(steady(300, 60, 0, 0, 4), now, QueueEntry{6000, false, false}));
  EXPECT_GT(broken.p50, steady_e.p50);
  EXPECT_GT(broken.p90 - broken.p10, steady_e.p90 - steady_e.p10);
}

TEST(ReadyDateTest, QuantilesAreOrderedAndMonotonicInPosition) {
  const auto h = steady(300, 60, 100, 5, 7);
  const auto now = stock(1500, {{kToday + 6, 3000}});
  std::vector<QueueEntry> entries;
  for (std::int64_t ahead = 0; ahead <= 20'000; ahead += 500) {
    entries.push_back({ahead, false, false});
    entries.push_back({ahead, false, true});
  }
  auto answers = estimate_ready_dates(h, now, entries);
  ASSERT_TRUE(answers.has_value());
  ASSERT_EQ(answers->size(), entries.size());
  std::optional<ReadyEstimate> prev[2];
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const ReadyAnswer& a = (*answers)[i];
    if (!a.has_date()) {
      EXPECT_EQ(a.no_date_reason, ready_reason::kBeyondHorizon);
      continue;
    }
    const ReadyEstimate& e = *a.estimate;
    EXPECT_LE(e.p10, e.p50);
    EXPECT_LE(e.p50, e.p90);
    EXPECT_GE(e.p10, kToday);
    auto& p = prev[entries[i].replacement ? 1 : 0];
    if (p) {
      EXPECT_GE(e.p10, p->p10);
      EXPECT_GE(e.p50, p->p50);
      EXPECT_GE(e.p90, p->p90);
    }
    p = e;
  }
}

TEST(ReadyDateTest, TheSameInputGivesTheSameAnswerAloneOrInABatch) {
  const auto h = steady(300, 60, 120, 8, 6);
  const auto now = stock(800, {{kToday + 4, 2500}});
  const std::vector<QueueEntry> entries = {{0, false, false}, {4000, false, true}, {9000, false, false}, {200, true, true}};
  auto once = estimate_ready_dates(h, now, entries);
  auto again = estimate_ready_dates(h, now, entries);
  ASSERT_TRUE(once.has_value());
  ASSERT_TRUE(again.has_value());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto alone = estimate_ready_date(h, now, entries[i]);
    ASSERT_TRUE(alone.has_value());
    ASSERT_EQ((*once)[i].has_date(), alone->has_date());
    ASSERT_EQ((*once)[i].has_date(), (*again)[i].has_date());
    if (!alone->has_date()) continue;
    for (const ReadyAnswer* other : {&(*again)[i], &*alone}) {
      EXPECT_EQ((*once)[i].estimate->p10, other->estimate->p10);
      EXPECT_EQ((*once)[i].estimate->p50, other->estimate->p50);
      EXPECT_EQ((*once)[i].estimate->p90, other->estimate->p90);
    }
  }
}

TEST(ReadyDateTest, ALateAnnouncedDeliveryIsStillExpectedFromTodayOn) {
  const ReadyEstimate e = dated(estimate_ready_date(steady(300), stock(0, {{kToday - 5, 3000}}), QueueEntry{0, false, false}));
  EXPECT_GE(e.p10, kToday);
  EXPECT_LE(e.p90, kToday + 14);
}

void expect_refused(const Result<ReadyAnswer>& a, std::string_view mentions) {
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(a.error().reason, "invalid_ready_date_input");
  EXPECT_NE(a.error().message.find(mentions), std::string::npos) << a.error().message;
}

TEST(ReadyDateTest, BadInputIsRefusedWithAReason) {
  const QueueEntry e{0, false, false};
  OfficeHistory negative = steady(300);
  negative.days[3].printed = -1;
  expect_refused(estimate_ready_date(negative, stock(10), e), "counts");
  OfficeHistory unsorted = steady(300);
  std::swap(unsorted.days[1], unsorted.days[2]);
  expect_refused(estimate_ready_date(unsorted, stock(10), e), "increasing");
  OfficeHistory future = steady(300);
  future.days.push_back(PastDay{kToday, 10, 0, true, false, 0, 0, 0, 0});
  expect_refused(estimate_ready_date(future, stock(10), e), "before today");
  OfficeHistory printing_without_stock = steady(300);
  printing_without_stock.days[0].had_stock = false;
  expect_refused(estimate_ready_date(printing_without_stock, stock(10), e), "without stock");
  OfficeHistory deliveries = steady(300);
  std::swap(deliveries.deliveries[0], deliveries.deliveries[1]);
  expect_refused(estimate_ready_date(deliveries, stock(10), e), "arrival order");
  OfficeHistory empty_delivery = steady(300);
  empty_delivery.deliveries[0].count = 0;
  expect_refused(estimate_ready_date(empty_delivery, stock(10), e), "delivery counts");
  expect_refused(estimate_ready_date(steady(300), stock(-1), e), "on_hand");
  expect_refused(estimate_ready_date(steady(300), stock(10, {{kToday + 9, 100}, {kToday + 2, 100}}), e), "expected_day");
  expect_refused(estimate_ready_date(steady(300), stock(10), QueueEntry{-3, false, false}), "ahead");
  OfficeNow ms = stock(10);
  ms.today = 1'796'300'000'000;  // milliseconds, not a day number
  expect_refused(estimate_ready_date(OfficeHistory{}, ms, e), "day number");
  expect_refused(estimate_ready_date(steady(300), stock(10), e, EstimateOptions{0, 1, 730}), "draws");
  expect_refused(estimate_ready_date(steady(300), stock(10), e, EstimateOptions{400, 1, 0}), "horizon_days");
}

}  // namespace
}  // namespace ektp::card
