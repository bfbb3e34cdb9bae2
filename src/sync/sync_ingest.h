// Central's side of an upload: applies a station's items in seq order, each exactly once, each in
// its own transaction together with its signed receipt and the station's new high-water mark.
//   seq ≤ last applied, same hash  → the stored receipt again (a retry or a duplicated batch)
//   seq ≤ last applied, other hash → refused (kDataLoss): a station never reuses a seq
//   seq = last + 1                 → applied by the handler of its kind, or rejected (invalid
//                                    input: nothing of it is stored, the receipt says why)
//   seq > last + 1                 → not applied; next_expected_seq tells the station where
//                                    to resume (batches that arrive reordered)
// A transient failure (database unavailable) stops the batch with an error: the station retries.
// Thread-safe: uploads of the same station serialise on its row.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "store/database.h"
#include "sync/signing.h"
#include "sync/station_directory.h"
#include "sync/sync_protocol.h"

namespace ektp::sync {

struct ItemResult {
  std::string outcome = "applied";  // applied or conflict
  std::string detail;
};

// Applies one item inside the caller's transaction. An error with a permanent code
// (invalid argument, not found, failed precondition, permission denied, already exists, data
// loss) rejects the item; any other error aborts the upload.
using ItemHandler = std::function<Result<ItemResult>(store::Connection&, const StationRecord&, const OutboxItem&,
                                                     std::int64_t now_ms)>;

class SyncIngest {
 public:
  SyncIngest(store::Database& db, KeyPair central_key) : db_(db), key_(std::move(central_key)) {}

  void set_handler(std::string kind, ItemHandler handler) { handlers_[std::move(kind)] = std::move(handler); }
  // Called after each batch that applied at least one item (e.g. to wake the dedup worker).
  void set_after_apply(std::function<void()> hook) { after_apply_ = std::move(hook); }

  Result<UploadResponse> ingest(const StationRecord& station, const UploadRequest& request, std::int64_t now_ms);

  const std::string& public_key_hex() const { return key_.public_key_hex; }
  // Signs `text` with central's key (answers to stations: response_signing_text).
  Result<std::string> sign_text(std::string_view text) const { return sign_hex(key_.secret_key_hex, text); }

 private:
  Result<Receipt> sign(Receipt receipt) const;

  store::Database& db_;
  KeyPair key_;
  std::map<std::string, ItemHandler, std::less<>> handlers_;
  std::function<void()> after_apply_;
};

}  // namespace ektp::sync
