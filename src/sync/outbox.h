// The station's outbox: everything recorded at the station is appended here in the same
// transaction as the record itself, numbered 1, 2, 3 … without gaps, and stays until central's
// signed receipt for it is stored. Nothing is ever deleted, so either side can prove delivery.
// Thread-safety: functions taking a Database borrow their own connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/database.h"
#include "sync/sync_protocol.h"

namespace ektp::sync {

struct NewOutboxItem {
  std::string kind;
  std::string item_key;
  std::string nik;
  std::string payload;
};

// Appends inside the caller's write transaction; returns the item's seq.
Result<std::int64_t> append_outbox(store::Connection& db, const NewOutboxItem& item, std::int64_t now_ms);

// The oldest undelivered items in seq order, at most `items_max` and about `bytes_max` payload
// bytes (always at least one item).
Result<std::vector<OutboxItem>> pending_outbox(store::Database& db, std::size_t items_max, std::size_t bytes_max);

// Stores central's receipts: each must be signed by `central_public_key_hex` and match the item's
// key and hash (kDataLoss otherwise, nothing stored). Marks the items delivered and, for
// enrollments, records "terkirim" at central's time. Receipts for items already delivered are
// ignored. One transaction.
Status record_receipts(store::Database& db, const std::vector<Receipt>& receipts,
                       std::string_view central_public_key_hex, std::int64_t now_ms);

// Notes a failed attempt on the first pending item (what the station shows as the last error).
Status record_attempt_failure(store::Database& db, std::int64_t seq, std::string_view error, std::int64_t now_ms);

struct OutboxSummary {
  std::int64_t pending = 0;
  std::int64_t oldest_pending_created_at_ms = 0;  // 0 when nothing waits
  std::int64_t delivered = 0;
  std::int64_t conflicts = 0;
  std::int64_t rejected = 0;
  std::int64_t last_delivered_at_ms = 0;
  std::int64_t last_attempt_at_ms = 0;
  std::string last_error;
};
Result<OutboxSummary> outbox_summary(store::Database& db);

struct OutboxRow {
  std::int64_t seq = 0;
  std::string item_key;
  std::string kind;
  std::string nik;
  std::int64_t created_at_ms = 0;
  std::int64_t attempts = 0;
  std::string last_error;
  std::int64_t delivered_at_ms = 0;
  std::string outcome;
  std::string receipt;  // JSON, empty until delivered
};
// Newest first; only undelivered when `pending_only`.
Result<std::vector<OutboxRow>> list_outbox(store::Database& db, bool pending_only, std::size_t limit);

}  // namespace ektp::sync
