// An office asks the next office up for blanko: a kecamatan its Dinas, a Dinas its province's
// allocation ("33", the province code). The request keeps what the office measurably had at the
// time — on hand, use over the last 30 days, days of stock left (card/stock_outlook.h) — so the
// office deciding sees the pace, not only a number asked for. It is closed as fulfilled (after a
// delivery or transfer) or declined, with who and when.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "card/blanko_stock.h"
#include "store/database.h"

namespace ektp::card {

struct AllocationRequest {
  std::int64_t id = 0;
  std::string office;
  std::string addressed_to;
  std::int64_t count = 0;
  std::string note;
  std::int64_t on_hand = 0;
  std::int64_t used_last_30_days = 0;
  std::optional<double> days_left;
  std::string status;  // open, fulfilled, declined
  std::string requested_by;
  std::int64_t requested_at_ms = 0;
  std::string closed_by;
  std::int64_t closed_at_ms = 0;
};

// The office an office asks: a kecamatan (6 digits) its regency's Dinas, a Dinas its province.
std::string allocating_office_of(std::string_view office);

// kFailedPrecondition when the office already has an open request.
Result<AllocationRequest> request_allocation(store::Database& db, const StockChange& change, std::int64_t count,
                                             std::string_view note);
// Requests made by `office` and those addressed to it, newest first.
Result<std::vector<AllocationRequest>> allocation_requests_of(store::Connection& db, std::string_view office,
                                                              std::size_t limit);
Result<AllocationRequest> load_allocation_request(store::Connection& db, std::int64_t id);
// By the office it was addressed to: `fulfilled` true or false (declined). kFailedPrecondition
// unless open.
Result<AllocationRequest> close_allocation_request(store::Database& db, std::int64_t id, bool fulfilled,
                                                   std::string_view actor, std::int64_t now_ms);

}  // namespace ektp::card
