// When a waiting print request will be ready (its card printed, so it can be collected), from what
// the printing office has measurably done — not from configured rates. The answer is an interval
// {p10, p50, p90} of days, or no date with a stable reason when the office cannot honestly give
// one (no blanko on hand and none announced; too little measured history; not within the horizon).
//
// How: a seeded Monte-Carlo bootstrap of the office's future. Each draw replays the measured past:
// cards printed a day (in blocks of consecutive working days with stock, so runs of breakdowns stay
// runs), requests that would overtake the waiting one (urgent ones, and first-time ones for a
// replacement), the announced deliveries arriving with a resampled slip, and, once those are used,
// further deliveries after resampled gaps with resampled sizes. The quantiles of the day each
// position is reached over the draws are the interval. One set of draws serves every entry of a
// call, so re-estimating a whole queue costs little more than one entry; the per-call seed makes
// the same input give the same answer, and an entry gets the same answer alone or in a batch.
//
// Pure: no clock, no I/O, no database. Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "core/error.h"

namespace ektp::card {

// Days are day numbers: whole days since 1970-01-01 in the Jakarta calendar (day 0 a Thursday).
inline std::int64_t day_number_of(CivilDate date) {
  return std::chrono::sys_days{date}.time_since_epoch().count();
}
inline CivilDate civil_date_of_day(std::int64_t day) {
  return CivilDate{std::chrono::sys_days{std::chrono::days{day}}};
}

// The stable reasons of a no-date answer (ReadyAnswer::no_date_reason).
namespace ready_reason {
// No blanko on hand and no delivery announced: any date would be invented.
inline constexpr std::string_view kNoStockNoDelivery = "no_stock_no_delivery";
// Fewer than kMinStockDays measured working days with stock, or the position needs deliveries
// beyond the announced ones and fewer than two past deliveries were measured (no gap to go by).
inline constexpr std::string_view kNoHistory = "no_history";
// In more than a tenth of the draws the request is still waiting at the horizon (e.g. a
// replacement overtaken by first-time requests faster than cards are printed).
inline constexpr std::string_view kBeyondHorizon = "beyond_horizon";
}  // namespace ready_reason

// Limits on the input; beyond them the call is refused (kInvalidArgument).
inline constexpr std::size_t kMaxHistoryDays = 3660;       // about ten years of PastDay
inline constexpr std::size_t kMaxPastDeliveries = 2000;
inline constexpr std::size_t kMaxAnnounced = 100;
inline constexpr std::size_t kMaxClosedDays = 20000;
inline constexpr std::size_t kMaxEntries = 1'000'000;
inline constexpr std::int64_t kMaxDailyCount = 100'000;     // prints, spoils or arrivals in a day
inline constexpr std::int64_t kMaxDeliveryCount = 10'000'000;
inline constexpr std::int64_t kMaxOnHand = 100'000'000;
inline constexpr std::int64_t kMaxAhead = 100'000'000;
inline constexpr std::int64_t kMaxDayNumber = 10'000'000;  // |day| (year ~29,000): catches ms passed as days
// Below this many measured working days with stock there is no estimate (kNoHistory).
inline constexpr std::size_t kMinStockDays = 10;

// One past day of the office, as its ledger and queue recorded it. Only working days count (see
// OfficeHistory::closed_days); entries for other days are ignored.
struct PastDay {
  std::int64_t day = 0;      // day number
  std::int64_t printed = 0;  // cards printed and kept that day (≥ 0)
  std::int64_t spoiled = 0;  // prints spoiled that day: each used a blanko and printed nothing (≥ 0)
  // Blanko was on hand when printing could start (or arrived in time to print). Days without are
  // not samples of the printer: they say nothing about how many it prints.
  bool had_stock = false;
  // Printing stopped that day for want of blanko or of waiting requests while the printer could
  // have done more, so `printed` is only a floor of what it can do in a day.
  bool ran_short = false;
  // Requests queued that day (arrivals, and waiting ones marked urgent), by class; they tell how
  // fast later requests overtake a waiting one.
  std::int64_t new_urgent_first = 0;
  std::int64_t new_urgent_replacement = 0;
  std::int64_t new_first = 0;        // first-time, not urgent
  std::int64_t new_replacement = 0;  // replacement, not urgent (overtakes no one)
};

// A delivery of blanko the office received.
struct PastDelivery {
  std::int64_t arrived_day = 0;               // day number it was received
  std::int64_t count = 0;                     // blanko received (> 0)
  std::optional<std::int64_t> announced_on;   // day number the announcement came, if it was announced
  std::optional<std::int64_t> announced_for;  // the day the announcement expected it
};

// The office's measured past. The caller chooses the window: the estimator treats all it is given
// as the office's current behaviour. The last year of PastDay and the last three years of
// deliveries are the windows measured in bench/README.md ("Ready date"): deliveries are few (a
// couple a month), and their mean pace is what sets long waits.
struct OfficeHistory {
  std::vector<PastDay> days;              // strictly increasing day, every day < OfficeNow::today
  std::vector<PastDelivery> deliveries;   // non-decreasing arrived_day, every one ≤ today
  // Days the office is closed besides Saturdays and Sundays (public holidays, collective leave),
  // past and future; strictly increasing. Nothing is printed and no request arrives on them.
  std::vector<std::int64_t> closed_days;
};

// A delivery announced and not yet received.
struct ExpectedDelivery {
  std::int64_t expected_day = 0;  // the day number announced; may have passed (the delivery is late)
  std::int64_t count = 0;         // blanko announced (> 0)
};

// The office now. The estimate takes today's requests as already queued and today's printing as
// still ahead (estimates made later in the day are slightly early by what was printed since).
struct OfficeNow {
  std::int64_t today = 0;                   // day number
  std::int64_t on_hand = 0;                 // blanko on hand at the printing office (≥ 0)
  std::vector<ExpectedDelivery> announced; // non-decreasing expected_day
};

// A waiting request, as the print order (print_queue.h) places it now.
struct QueueEntry {
  std::int64_t ahead = 0;  // requests printed before it in the current order (0 = printed next)
  bool urgent = false;
  bool replacement = false;  // false: a first-time card
};

struct EstimateOptions {
  int draws = 400;                   // 1..2,000 (every draw keeps its future: draws × days × 16 bytes)
  std::uint64_t seed = 20261203;     // fixed: the same input gives the same answer
  int horizon_days = 730;            // 1..3650: calendar days from today looked at
};

struct ReadyEstimate {
  std::int64_t p10 = 0;  // day numbers of the day the card is printed; p10 ≤ p50 ≤ p90
  std::int64_t p50 = 0;
  std::int64_t p90 = 0;
};

struct ReadyAnswer {
  std::optional<ReadyEstimate> estimate;  // none: no date, see no_date_reason
  std::string_view no_date_reason;        // one of ready_reason; empty when there is a date
  bool has_date() const { return estimate.has_value(); }
};

// Every entry's answer from one set of draws (answers[i] belongs to entries[i]). Refuses bad input
// (kInvalidArgument, reason "invalid_ready_date_input", naming the field): negative counts, dates
// out of order, history days not before today, limits above exceeded, options out of range.
Result<std::vector<ReadyAnswer>> estimate_ready_dates(const OfficeHistory& history, const OfficeNow& now,
                                                      const std::vector<QueueEntry>& entries,
                                                      const EstimateOptions& options = {});
// One entry: the same answer it gets in any batch under the same options.
Result<ReadyAnswer> estimate_ready_date(const OfficeHistory& history, const OfficeNow& now,
                                        const QueueEntry& entry, const EstimateOptions& options = {});

}  // namespace ektp::card
