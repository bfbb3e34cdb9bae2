#include "sync/outbox.h"

#include <fmt/format.h>

#include "registry/enrollment_store.h"
#include "sync/working_copy_refresh.h"

namespace ektp::sync {

namespace {

OutboxItem item_from_row(const store::Row& row) {
  OutboxItem item;
  item.seq = row.integer(0);
  item.item_key = row.text(1);
  item.kind = row.text(2);
  item.nik = row.text(3);
  auto bytes = row.blob(4);
  item.payload.assign(bytes.begin(), bytes.end());
  item.item_sha256 = row.text(5);
  item.created_at_ms = row.integer(6);
  return item;
}

}  // namespace

Result<std::int64_t> append_outbox(store::Connection& db, const NewOutboxItem& item, std::int64_t now_ms) {
  auto last = db.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox");
  if (!last) return std::unexpected(last.error());
  std::int64_t seq = last->rows[0].integer(0) + 1;
  std::vector<std::uint8_t> payload(item.payload.begin(), item.payload.end());
  auto inserted = db.execute(
      "INSERT INTO outbox (seq, item_key, kind, nik, payload, item_sha256, created_at_ms) "
      "VALUES ($1,$2,$3,$4,$5,$6,$7)",
      {seq, item.item_key, item.kind, item.nik, store::Blob{std::move(payload)},
       item_hash(item.kind, item.item_key, item.payload), now_ms});
  if (!inserted) return std::unexpected(inserted.error());
  return seq;
}

Result<std::vector<OutboxItem>> pending_outbox(store::Database& db, std::size_t items_max, std::size_t bytes_max) {
  return store::with_read_transaction<std::vector<OutboxItem>>(
      db, [&](store::Connection& c) -> Result<std::vector<OutboxItem>> {
        auto rows = c.execute(
            "SELECT seq, item_key, kind, nik, payload, item_sha256, created_at_ms FROM outbox "
            "WHERE delivered_at_ms = 0 ORDER BY seq LIMIT $1",
            {static_cast<std::int64_t>(items_max)});
        if (!rows) return std::unexpected(rows.error());
        std::vector<OutboxItem> items;
        std::size_t bytes = 0;
        for (const auto& row : rows->rows) {
          auto item = item_from_row(row);
          if (!items.empty() && bytes + item.payload.size() > bytes_max) break;
          bytes += item.payload.size();
          items.push_back(std::move(item));
        }
        return items;
      });
}

Status record_receipts(store::Database& db, const std::vector<Receipt>& receipts,
                       std::string_view central_public_key_hex, std::int64_t now_ms) {
  auto done = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    for (const auto& r : receipts) {
      if (!verify_receipt(r, central_public_key_hex)) {
        return make_error(ErrorCode::kDataLoss,
                          fmt::format("receipt for item {}: central's signature does not verify", r.seq));
      }
      auto rows = c.execute(
          "SELECT item_key, item_sha256, delivered_at_ms, kind, nik, created_at_ms FROM outbox WHERE seq = $1", {r.seq});
      if (!rows) return std::unexpected(rows.error());
      if (rows->rows.empty()) {
        return make_error(ErrorCode::kDataLoss, fmt::format("receipt for item {}: no such item here", r.seq));
      }
      const auto& row = rows->rows[0];
      if (row.text(0) != r.item_key || row.text(1) != r.item_sha256) {
        return make_error(ErrorCode::kDataLoss,
                          fmt::format("receipt for item {}: key or hash differs from what was sent", r.seq));
      }
      if (row.integer(2) != 0) continue;
      auto updated = c.execute(
          "UPDATE outbox SET delivered_at_ms = $2, outcome = $3, receipt = $4, last_error = '' WHERE seq = $1",
          {r.seq, now_ms, r.outcome, receipt_to_json(r)});
      if (!updated) return std::unexpected(updated.error());
      if (r.outcome == "rejected") {
        if (auto s = undo_rejected_desk_change(c, row.text(3), row.text(4), row.integer(5)); !s)
          return std::unexpected(s.error());
      }
      if (row.text(3) == "enrollment" && r.outcome != "rejected") {
        auto key = r.item_key.substr(r.item_key.find('/') + 1);
        auto status = registry::set_enrollment_status(c, key, registry::EnrollmentStatus::kSent, r.applied_at_ms,
                                                      r.outcome == "conflict" ? r.detail : "");
        if (!status && status.error().code != ErrorCode::kNotFound) return std::unexpected(status.error());
      }
    }
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Status record_attempt_failure(store::Database& db, std::int64_t seq, std::string_view error, std::int64_t now_ms) {
  auto done = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    auto updated = c.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, last_attempt_at_ms = $3 WHERE seq = $1",
        {seq, std::string(error.substr(0, 500)), now_ms});
    if (!updated) return std::unexpected(updated.error());
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<OutboxSummary> outbox_summary(store::Database& db) {
  return store::with_read_transaction<OutboxSummary>(db, [&](store::Connection& c) -> Result<OutboxSummary> {
    auto rows = c.execute(
        "SELECT "
        "COALESCE(SUM(CASE WHEN delivered_at_ms = 0 THEN 1 ELSE 0 END), 0), "
        "COALESCE(MIN(CASE WHEN delivered_at_ms = 0 THEN created_at_ms END), 0), "
        "COALESCE(SUM(CASE WHEN delivered_at_ms <> 0 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN outcome = 'conflict' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN outcome = 'rejected' THEN 1 ELSE 0 END), 0), "
        "COALESCE(MAX(delivered_at_ms), 0), COALESCE(MAX(last_attempt_at_ms), 0) FROM outbox");
    if (!rows) return std::unexpected(rows.error());
    const auto& row = rows->rows[0];
    OutboxSummary s;
    s.pending = row.integer(0);
    s.oldest_pending_created_at_ms = row.integer(1);
    s.delivered = row.integer(2);
    s.conflicts = row.integer(3);
    s.rejected = row.integer(4);
    s.last_delivered_at_ms = row.integer(5);
    s.last_attempt_at_ms = row.integer(6);
    auto error = c.execute("SELECT last_error FROM outbox WHERE delivered_at_ms = 0 AND last_error <> '' "
                           "ORDER BY seq LIMIT 1");
    if (!error) return std::unexpected(error.error());
    if (!error->rows.empty()) s.last_error = error->rows[0].text(0);
    return s;
  });
}

Result<std::vector<OutboxRow>> list_outbox(store::Database& db, bool pending_only, std::size_t limit) {
  return store::with_read_transaction<std::vector<OutboxRow>>(
      db, [&](store::Connection& c) -> Result<std::vector<OutboxRow>> {
        auto rows = c.execute(
            fmt::format("SELECT seq, item_key, kind, nik, created_at_ms, attempts, last_error, delivered_at_ms, "
                        "outcome, receipt FROM outbox {} ORDER BY seq DESC LIMIT $1",
                        pending_only ? "WHERE delivered_at_ms = 0" : ""),
            {static_cast<std::int64_t>(limit)});
        if (!rows) return std::unexpected(rows.error());
        std::vector<OutboxRow> out;
        for (const auto& row : rows->rows) {
          out.push_back({row.integer(0), row.text(1), row.text(2), row.text(3), row.integer(4), row.integer(5),
                         row.text(6), row.integer(7), row.text(8), row.text(9)});
        }
        return out;
      });
}

}  // namespace ektp::sync
