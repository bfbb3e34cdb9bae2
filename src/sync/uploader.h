// The station's sender: takes the oldest undelivered outbox items, sends them through a
// CentralLink, stores central's signed receipts, and resumes where central says. One round per
// call; the caller loops with backoff (StationSyncLoop in api does). Kill it at any point: an
// item stays pending until its receipt is committed, and central answers a resent item with the
// receipt it gave the first time, so nothing is lost or applied twice.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/database.h"
#include "sync/serial_leases.h"
#include "sync/station_identity.h"
#include "sync/sync_protocol.h"

namespace ektp::sync {

// The transport to central (HTTP in production, an in-process fake with faults in tests).
class CentralLink {
 public:
  virtual ~CentralLink() = default;
  virtual Result<UploadResponse> upload(const UploadRequest& request) = 0;
};

struct UploadRound {
  std::size_t sent = 0;       // items in the batch
  std::size_t receipts = 0;   // receipts stored now
  std::int64_t pending_after = 0;
};

class Uploader {
 public:
  Uploader(store::Database& db, StationIdentity identity, CentralLink& link)
      : db_(db), identity_(std::move(identity)), link_(link) {}

  // Sends one batch (up to `items_max`). kUnavailable (or the link's error) when central could
  // not be reached; kDataLoss when central's answer does not verify or contradicts the outbox.
  Result<UploadRound> upload_once(std::size_t items_max = 16, std::size_t bytes_max = 16 << 20);

 private:
  store::Database& db_;
  StationIdentity identity_;
  CentralLink& link_;
};

}  // namespace ektp::sync
