#include "card/stock_outlook.h"

#include <algorithm>

#include "card/blanko_stock.h"

namespace ektp::card {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::size_t kReceiptsConsidered = 6;  // the last six deliveries: five gaps

}  // namespace

StockOutlook stock_outlook_of(std::int64_t on_hand, const std::vector<std::int64_t>& uses_ms,
                              const std::vector<std::int64_t>& receipts_ms, std::int64_t now_ms) {
  StockOutlook o;
  o.on_hand = on_hand;
  const std::int64_t since = now_ms - kOutlookWindowDays * kDayMs;
  o.used_in_window = std::count_if(uses_ms.begin(), uses_ms.end(), [&](std::int64_t t) { return t > since && t <= now_ms; });
  o.used_per_day = static_cast<double>(o.used_in_window) / kOutlookWindowDays;
  if (o.used_in_window > 0) o.days_left = static_cast<double>(on_hand) / o.used_per_day;
  std::vector<std::int64_t> receipts = receipts_ms;
  std::sort(receipts.begin(), receipts.end());
  receipts.erase(std::unique(receipts.begin(), receipts.end(), [](std::int64_t a, std::int64_t b) {
                   return b - a < kDayMs;  // several ranges of one delivery
                 }),
                 receipts.end());
  if (receipts.size() > kReceiptsConsidered) receipts.erase(receipts.begin(), receipts.end() - kReceiptsConsidered);
  if (receipts.size() >= 2) {
    o.delivery_gap_days = static_cast<double>(receipts.back() - receipts.front()) /
                          static_cast<double>(receipts.size() - 1) / static_cast<double>(kDayMs);
  }
  o.low = on_hand == 0 || (o.days_left && o.delivery_gap_days && *o.days_left < *o.delivery_gap_days);
  return o;
}

Result<StockOutlook> stock_outlook(store::Connection& db, std::string_view office, std::int64_t now_ms) {
  EKTP_ASSIGN_OR_RETURN(auto on_hand, on_hand_count(db, office));
  auto uses = db.execute(
      "SELECT at_ms FROM blanko_movements WHERE office_code = $1 AND kind = 'used' AND at_ms > $2",
      {std::string(office), now_ms - kOutlookWindowDays * kDayMs});
  if (!uses) return std::unexpected(uses.error());
  auto receipts = db.execute(
      "SELECT at_ms FROM blanko_movements WHERE office_code = $1 AND kind IN ('received', 'transfer_in') "
      "ORDER BY at_ms DESC LIMIT 200",
      {std::string(office)});
  if (!receipts) return std::unexpected(receipts.error());
  std::vector<std::int64_t> use_times, receipt_times;
  for (const auto& r : uses->rows) use_times.push_back(r.integer(0));
  for (const auto& r : receipts->rows) receipt_times.push_back(r.integer(0));
  return stock_outlook_of(on_hand, use_times, receipt_times, now_ms);
}

}  // namespace ektp::card
