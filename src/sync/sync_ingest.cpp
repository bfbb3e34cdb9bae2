#include "sync/sync_ingest.h"

#include <optional>

#include <fmt/format.h>

namespace ektp::sync {

namespace {

bool is_permanent(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kDataLoss:
    case ErrorCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

Result<std::int64_t> lock_last_seq(store::Connection& c, std::string_view station_id) {
  // Touching the row first locks it (PostgreSQL) for the rest of the transaction.
  auto locked = c.execute("UPDATE stations SET last_seq = last_seq WHERE station_id = $1", {std::string(station_id)});
  if (!locked) return std::unexpected(locked.error());
  auto rows = c.execute("SELECT last_seq FROM stations WHERE station_id = $1", {std::string(station_id)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return not_found(fmt::format("station {} is not registered", station_id));
  return rows->rows[0].integer(0);
}

Status store_receipt(store::Connection& c, const OutboxItem& item, const Receipt& receipt) {
  auto inserted = c.execute(
      "INSERT INTO sync_items (station_id, seq, item_key, kind, item_sha256, outcome, detail, receipt, applied_at_ms) "
      "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
      {receipt.station_id, receipt.seq, receipt.item_key, item.kind, receipt.item_sha256, receipt.outcome,
       receipt.detail, receipt_to_json(receipt), receipt.applied_at_ms});
  if (!inserted) {
    if (inserted.error().code == ErrorCode::kAlreadyExists) {
      return make_error(ErrorCode::kDataLoss,
                        fmt::format("item key {} was already delivered under another seq", item.item_key));
    }
    return std::unexpected(inserted.error());
  }
  auto advanced = c.execute("UPDATE stations SET last_seq = $2 WHERE station_id = $1", {receipt.station_id, receipt.seq});
  if (!advanced) return std::unexpected(advanced.error());
  return {};
}

// What happened to one item.
struct Step {
  std::optional<Receipt> receipt;  // none: stop here (a gap)
  std::int64_t last_seq = 0;
};

}  // namespace

Result<Receipt> SyncIngest::sign(Receipt receipt) const {
  auto signature = sign_hex(key_.secret_key_hex, receipt_signing_text(receipt));
  if (!signature) return std::unexpected(signature.error());
  receipt.signature = std::move(*signature);
  return receipt;
}

Result<UploadResponse> SyncIngest::ingest(const StationRecord& station, const UploadRequest& request,
                                          std::int64_t now_ms) {
  if (request.station_id != station.station_id) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("batch names station {} but was signed by {}", request.station_id,
                                  station.station_id));
  }
  UploadResponse response;
  bool applied_any = false;
  for (const auto& item : request.items) {
    Receipt base{station.station_id, item.seq, item.item_key, item.item_sha256, "applied", "", now_ms, ""};
    std::optional<Error> rejection;
    auto step = store::with_write_transaction<Step>(db_, [&](store::Connection& c) -> Result<Step> {
      auto last = lock_last_seq(c, station.station_id);
      if (!last) return std::unexpected(last.error());
      if (item.seq <= *last) {
        auto rows = c.execute("SELECT item_sha256, receipt FROM sync_items WHERE station_id = $1 AND seq = $2",
                              {station.station_id, item.seq});
        if (!rows) return std::unexpected(rows.error());
        if (rows->rows.empty() || rows->rows[0].text(0) != item.item_sha256) {
          return make_error(ErrorCode::kDataLoss,
                            fmt::format("item {} was already delivered with other content", item.seq));
        }
        auto stored = receipt_from_json(rows->rows[0].text(1));
        if (!stored) return std::unexpected(stored.error());
        return Step{std::move(*stored), *last};
      }
      if (item.seq > *last + 1) return Step{std::nullopt, *last};
      auto handler = handlers_.find(item.kind);
      Result<ItemResult> result = handler == handlers_.end()
                                      ? invalid_argument(fmt::format("item kind '{}' is not known", item.kind))
                                      : handler->second(c, station, item, now_ms);
      if (!result) {
        if (is_permanent(result.error().code)) rejection = result.error();
        return std::unexpected(result.error());  // roll back whatever the handler wrote
      }
      Receipt receipt = base;
      receipt.outcome = result->outcome;
      receipt.detail = result->detail;
      auto signed_receipt = sign(std::move(receipt));
      if (!signed_receipt) return std::unexpected(signed_receipt.error());
      if (auto s = store_receipt(c, item, *signed_receipt); !s) return std::unexpected(s.error());
      applied_any = true;
      return Step{std::move(*signed_receipt), item.seq};
    });
    if (!step && rejection) {
      // Invalid item: nothing of it is kept except the receipt that says why.
      step = store::with_write_transaction<Step>(db_, [&](store::Connection& c) -> Result<Step> {
        auto last = lock_last_seq(c, station.station_id);
        if (!last) return std::unexpected(last.error());
        if (item.seq != *last + 1) return Step{std::nullopt, *last};
        Receipt receipt = base;
        receipt.outcome = "rejected";
        receipt.detail = rejection->message;
        auto signed_receipt = sign(std::move(receipt));
        if (!signed_receipt) return std::unexpected(signed_receipt.error());
        if (auto s = store_receipt(c, item, *signed_receipt); !s) return std::unexpected(s.error());
        return Step{std::move(*signed_receipt), item.seq};
      });
    }
    if (!step) {
      if (applied_any && after_apply_) after_apply_();
      if (!response.receipts.empty()) {
        // Keep what was applied: the station stores these receipts and retries the rest.
        response.next_expected_seq = response.receipts.back().seq + 1;
        return response;
      }
      return std::unexpected(step.error());
    }
    response.next_expected_seq = step->last_seq + 1;
    if (!step->receipt) break;
    response.receipts.push_back(std::move(*step->receipt));
  }
  if (applied_any && after_apply_) after_apply_();
  if (request.items.empty() || response.receipts.empty()) {
    auto last = store::with_read_transaction<std::int64_t>(
        db_, [&](store::Connection& c) -> Result<std::int64_t> {
          auto rows = c.execute("SELECT last_seq FROM stations WHERE station_id = $1", {station.station_id});
          if (!rows) return std::unexpected(rows.error());
          return rows->rows.empty() ? 0 : rows->rows[0].integer(0);
        });
    if (!last) return std::unexpected(last.error());
    response.next_expected_seq = *last + 1;
  }
  return response;
}

}  // namespace ektp::sync
