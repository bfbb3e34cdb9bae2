// How long an office's blanko will last, from what it measurably does: cards printed a day over
// the last 30 days (spoiled prints count, they use blanko too), and how long deliveries have
// taken to come (the mean gap between its last receipts). The low-stock warning fires when the
// stock left will not last until the next delivery would come at that pace — not at a fixed
// number. With too little history it says so instead of guessing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace ektp::card {

inline constexpr int kOutlookWindowDays = 30;

struct StockOutlook {
  std::int64_t on_hand = 0;
  std::int64_t used_in_window = 0;          // blanko used (printed or spoiled in printing) in the window
  double used_per_day = 0;                  // used_in_window / window
  std::optional<double> days_left;          // none when nothing was used in the window
  std::optional<double> delivery_gap_days;  // mean gap between the last receipts; none with < 2
  bool low = false;                         // days_left < delivery_gap_days (or none left)
};

// Pure: from the times (ms) of blanko uses in the window, the times of past receipts, and now.
StockOutlook stock_outlook_of(std::int64_t on_hand, const std::vector<std::int64_t>& uses_ms,
                              const std::vector<std::int64_t>& receipts_ms, std::int64_t now_ms);

Result<StockOutlook> stock_outlook(store::Connection& db, std::string_view office, std::int64_t now_ms);

}  // namespace ektp::card
