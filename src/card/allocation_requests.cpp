#include "card/allocation_requests.h"

#include <cmath>

#include <fmt/format.h>

#include "access/audit_log.h"
#include "card/stock_outlook.h"

namespace ektp::card {

namespace {

constexpr std::size_t kNoteBytesMax = 500;
constexpr std::string_view kColumns =
    "id, office_code, addressed_to, count, note, on_hand, used_last_30_days, days_left_tenths, status, requested_by, "
    "requested_at_ms, closed_by, closed_at_ms";

AllocationRequest request_of(const store::Row& r) {
  AllocationRequest a;
  a.id = r.integer(0);
  a.office = r.text(1);
  a.addressed_to = r.text(2);
  a.count = r.integer(3);
  a.note = r.text(4);
  a.on_hand = r.integer(5);
  a.used_last_30_days = r.integer(6);
  if (r.integer(7) >= 0) a.days_left = static_cast<double>(r.integer(7)) / 10.0;
  a.status = r.text(8);
  a.requested_by = r.text(9);
  a.requested_at_ms = r.integer(10);
  a.closed_by = r.text(11);
  a.closed_at_ms = r.integer(12);
  return a;
}

}  // namespace

std::string allocating_office_of(std::string_view office) {
  return std::string(office.substr(0, office.size() == 6 ? 4 : 2));
}

Result<AllocationRequest> request_allocation(store::Database& database, const StockChange& change, std::int64_t count,
                                             std::string_view note) {
  EKTP_RETURN_IF_ERROR(validate_office_code(change.office));
  if (count < 1 || count > kRangeCountMax) return invalid_argument(fmt::format("count: 1 to {} blanko", kRangeCountMax));
  if (note.size() > kNoteBytesMax) return invalid_argument(fmt::format("note: at most {} bytes", kNoteBytesMax));
  return store::with_write_transaction<AllocationRequest>(database, [&](store::Connection& db) -> Result<AllocationRequest> {
    auto open = db.execute("SELECT id FROM blanko_allocation_requests WHERE office_code = $1 AND status = 'open'",
                           {change.office});
    if (!open) return std::unexpected(open.error());
    if (!open->rows.empty()) {
      return refusal(ErrorCode::kFailedPrecondition, "allocation_request_open",
                     fmt::format("{} already has an open allocation request ({})", change.office,
                                 open->rows.front().integer(0)));
    }
    EKTP_ASSIGN_OR_RETURN(auto outlook, stock_outlook(db, change.office, change.at_ms));
    const std::int64_t days_tenths = outlook.days_left ? std::llround(*outlook.days_left * 10) : -1;
    auto inserted = db.execute(
        "INSERT INTO blanko_allocation_requests (office_code, addressed_to, count, note, on_hand, used_last_30_days, "
        "days_left_tenths, status, requested_by, requested_at_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,'open',$8,$9) "
        "RETURNING id",
        {change.office, allocating_office_of(change.office), count, std::string(note), outlook.on_hand,
         outlook.used_in_window, days_tenths, change.actor, change.at_ms});
    if (!inserted) return std::unexpected(inserted.error());
    const std::int64_t id = inserted->rows.front().integer(0);
    EKTP_RETURN_IF_ERROR(access::append_audit(db, {change.at_ms, change.actor, "blanko.allocation_request", change.office,
                                                   fmt::format("request {} for {}", id, count)}));
    return load_allocation_request(db, id);
  });
}

Result<std::vector<AllocationRequest>> allocation_requests_of(store::Connection& db, std::string_view office,
                                                              std::size_t limit) {
  auto rows = db.execute(fmt::format("SELECT {} FROM blanko_allocation_requests WHERE office_code = $1 OR "
                                     "addressed_to = $1 ORDER BY id DESC LIMIT $2",
                                     kColumns),
                         {std::string(office), static_cast<std::int64_t>(limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<AllocationRequest> out;
  for (const auto& r : rows->rows) out.push_back(request_of(r));
  return out;
}

Result<AllocationRequest> load_allocation_request(store::Connection& db, std::int64_t id) {
  auto rows = db.execute(fmt::format("SELECT {} FROM blanko_allocation_requests WHERE id = $1", kColumns), {id});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return not_found(fmt::format("no allocation request {}", id));
  return request_of(rows->rows.front());
}

Result<AllocationRequest> close_allocation_request(store::Database& database, std::int64_t id, bool fulfilled,
                                                   std::string_view actor, std::int64_t now_ms) {
  return store::with_write_transaction<AllocationRequest>(database, [&](store::Connection& db) -> Result<AllocationRequest> {
    auto closed = db.execute(
        "UPDATE blanko_allocation_requests SET status = $1, closed_by = $2, closed_at_ms = $3 "
        "WHERE id = $4 AND status = 'open'",
        {std::string(fulfilled ? "fulfilled" : "declined"), std::string(actor), now_ms, id});
    if (!closed) return std::unexpected(closed.error());
    EKTP_ASSIGN_OR_RETURN(auto request, load_allocation_request(db, id));
    if (closed->rows_affected != 1) {
      return make_error(ErrorCode::kFailedPrecondition, fmt::format("allocation request {} is {}", id, request.status));
    }
    EKTP_RETURN_IF_ERROR(access::append_audit(db, {now_ms, std::string(actor),
                                                   fulfilled ? "blanko.allocation_fulfilled" : "blanko.allocation_declined",
                                                   request.office, fmt::format("request {}", id)}));
    return request;
  });
}

}  // namespace ektp::card
