#include "card/announced_deliveries.h"

#include <fmt/format.h>

#include "access/audit_log.h"

namespace ektp::card {

namespace {

constexpr std::size_t kNoteBytesMax = 200;
constexpr std::string_view kColumns =
    "id, office_code, expected_day, count, note, status, announced_by, announced_at_ms, received_at_ms";

AnnouncementStatus parse_status(std::string_view id) {
  if (id == "received") return AnnouncementStatus::kReceived;
  if (id == "cancelled") return AnnouncementStatus::kCancelled;
  return AnnouncementStatus::kAnnounced;
}

AnnouncedDelivery announcement_of(const store::Row& r) {
  return {r.integer(0), r.text(1), r.integer(2), r.integer(3), r.text(4), parse_status(r.text(5)), r.text(6),
          r.integer(7), r.integer(8)};
}

Result<AnnouncedDelivery> load_announcement(store::Connection& db, std::int64_t id) {
  auto rows = db.execute(fmt::format("SELECT {} FROM blanko_announced_deliveries WHERE id = $1", kColumns), {id});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return not_found(fmt::format("no announced delivery {}", id));
  return announcement_of(rows->rows.front());
}

}  // namespace

std::string_view announcement_status_id(AnnouncementStatus status) {
  switch (status) {
    case AnnouncementStatus::kAnnounced: return "announced";
    case AnnouncementStatus::kReceived: return "received";
    case AnnouncementStatus::kCancelled: return "cancelled";
  }
  return "announced";
}

Result<AnnouncedDelivery> announce_delivery(store::Database& database, const StockChange& change,
                                            std::int64_t expected_day, std::int64_t count, std::string_view note) {
  EKTP_RETURN_IF_ERROR(validate_office_code(change.office));
  if (change.actor.empty()) return invalid_argument("actor: who announces the delivery");
  if (count < 1 || count > kAnnouncedCountMax) {
    return invalid_argument(fmt::format("count {}: 1 to {} blanko", count, kAnnouncedCountMax));
  }
  const std::int64_t today = jakarta_day_of_ms(change.at_ms);
  if (expected_day < today || expected_day > today + kAnnouncedDaysAheadMax) {
    return invalid_argument(fmt::format("expected_date: today or up to {} days ahead", kAnnouncedDaysAheadMax));
  }
  if (note.size() > kNoteBytesMax) return invalid_argument(fmt::format("note: at most {} bytes", kNoteBytesMax));
  return store::with_write_transaction<AnnouncedDelivery>(
      database, [&](store::Connection& db) -> Result<AnnouncedDelivery> {
        auto inserted = db.execute(
            "INSERT INTO blanko_announced_deliveries (office_code, expected_day, count, note, status, announced_by, "
            "announced_at_ms) VALUES ($1,$2,$3,$4,'announced',$5,$6) RETURNING id",
            {change.office, expected_day, count, std::string(note), change.actor, change.at_ms});
        if (!inserted) return std::unexpected(inserted.error());
        const std::int64_t id = inserted->rows.front().integer(0);
        EKTP_RETURN_IF_ERROR(access::append_audit(
            db, {change.at_ms, change.actor, "card.announce_delivery", change.office,
                 fmt::format("announcement {}: {} blanko on day {}", id, count, expected_day)}));
        return load_announcement(db, id);
      });
}

Status cancel_announced_delivery(store::Database& database, std::int64_t id, std::string_view office,
                                 std::string_view actor, std::int64_t at_ms) {
  auto done = store::with_write_transaction<bool>(database, [&](store::Connection& db) -> Result<bool> {
    auto updated = db.execute(
        "UPDATE blanko_announced_deliveries SET status = 'cancelled' WHERE id = $1 AND office_code = $2 AND "
        "status = 'announced'",
        {id, std::string(office)});
    if (!updated) return std::unexpected(updated.error());
    if (updated->rows_affected != 1) {
      return make_error(ErrorCode::kFailedPrecondition,
                        fmt::format("announced delivery {} of {} is not open", id, office));
    }
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {at_ms, std::string(actor), "card.cancel_announcement", std::string(office), fmt::format("announcement {}", id)}));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<std::vector<AnnouncedDelivery>> announced_deliveries(store::Connection& db, std::string_view office,
                                                            bool open_only, std::size_t limit) {
  auto rows = db.execute(
      fmt::format("SELECT {} FROM blanko_announced_deliveries WHERE office_code = $1 {} LIMIT $2", kColumns,
                  open_only ? "AND status = 'announced' ORDER BY expected_day, id" : "ORDER BY id DESC"),
      {std::string(office), static_cast<std::int64_t>(limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<AnnouncedDelivery> out;
  for (const auto& r : rows->rows) out.push_back(announcement_of(r));
  return out;
}

Status mark_announcement_received(store::Connection& db, std::string_view office, std::int64_t at_ms) {
  auto first = db.execute(
      "SELECT id FROM blanko_announced_deliveries WHERE office_code = $1 AND status = 'announced' "
      "ORDER BY expected_day, id LIMIT 1",
      {std::string(office)});
  if (!first) return std::unexpected(first.error());
  if (first->rows.empty()) return {};
  auto updated = db.execute(
      "UPDATE blanko_announced_deliveries SET status = 'received', received_at_ms = $2 WHERE id = $1",
      {first->rows.front().integer(0), at_ms});
  if (!updated) return std::unexpected(updated.error());
  return {};
}

}  // namespace ektp::card
