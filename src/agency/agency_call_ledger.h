// The ledger of agency calls: what every verification and retrieval writes once it has its answer
// — the day's quota counted (agency_quota.h), the audit record of the read, the NIK looked up and
// the harvest and off-hours watches (harvest_watch.h, call_burst_watch.h), a key that gave itself
// away suspended with an alert for the admin — all in one transaction, so a call is counted and
// recorded together or not at all.
//
// Calls come from many HTTP threads at once, and one write transaction each would queue them on
// the database's write lock. The ledger commits them in groups instead: one thread takes what is
// queued (up to kLedgerBatchMax calls), writes each call in turn inside one transaction and tells
// each caller its own outcome once that transaction is committed. A call the quota refuses writes
// nothing and does not stop the others; an error of the database fails the whole group, and each
// of its callers is told so (their calls are not counted, their answers not sent).
//
// The ledger also keeps the watches' tables bounded: looked-up NIKs older than kLookupKeepDays and
// call buckets older than kBucketKeepDays are pruned, at most once an hour (by the calls' clock).
// Thread-safety: record_then() and record() from any thread; `done` runs on the ledger's thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "access/audit_log.h"
#include "agency/agency_quota.h"
#include "core/error.h"
#include "store/database.h"

namespace ektp::agency {

inline constexpr std::size_t kLedgerBatchMax = 256;
inline constexpr std::size_t kLedgerQueueMax = 8192;  // beyond: refused at once (kUnavailable)
inline constexpr int kLookupKeepDays = 30;

struct AgencyCallRecord {
  std::string agency_code;
  std::int64_t daily_quota = 0;
  std::string key_id;
  std::string nik;     // the NIK the call asked about
  bool found = false;  // whether it is in the register
  std::int64_t at_ms = 0;
  access::AuditEntry audit;  // the read, as the resident will see it
};

struct AgencyCallOutcome {
  QuotaUse use;
  // Set when this call gave the key away: why it is now suspended (alert.agency_harvest raised).
  std::optional<std::string> suspended_for;
};

// Writes one call inside the caller's write transaction (the ledger's group, or a test's).
// kResourceExhausted (agency_quota_exceeded) with nothing written when the quota is used up.
// With `watch_harvest` false the key's recent lookups are not looked at (the ledger looks once
// per key and group, after that key's last call in it: the sweep and guessing watches judge the
// key's last lookups, which that last call sees whole).
Result<AgencyCallOutcome> record_agency_call(store::Connection& db, const AgencyCallRecord& call,
                                             bool watch_harvest = true);

// Prunes what the watches no longer look at (see above), as of `now_ms`.
Status prune_agency_call_history(store::Connection& db, std::int64_t now_ms);

class AgencyCallLedger {
 public:
  using Done = std::function<void(Result<AgencyCallOutcome>)>;

  explicit AgencyCallLedger(store::Database& db);
  ~AgencyCallLedger();  // writes what is queued, then stops
  AgencyCallLedger(const AgencyCallLedger&) = delete;
  AgencyCallLedger& operator=(const AgencyCallLedger&) = delete;

  // Queues the call; `done` runs once its group is committed (or failed). With the queue full,
  // `done` runs at once on the caller's thread with kUnavailable.
  void record_then(AgencyCallRecord call, Done done);
  // The same, waiting for the outcome.
  Result<AgencyCallOutcome> record(AgencyCallRecord call);

  std::uint64_t groups_committed() const;  // for tests and the bench: how many transactions

 private:
  struct Pending {
    AgencyCallRecord call;
    Done done;
  };
  void run();
  void write_group(std::deque<Pending>& group);

  store::Database& db_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;       // guarded by mutex_
  bool stopping_ = false;           // guarded by mutex_
  std::uint64_t groups_ = 0;        // guarded by mutex_
  std::int64_t pruned_at_ms_ = 0;   // the ledger thread's only
  std::thread thread_;
};

}  // namespace ektp::agency
