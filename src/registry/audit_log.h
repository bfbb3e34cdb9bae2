// The append-only, hash-chained audit log (SPEC §9): every write and every read of personal data.
// Each entry's hash covers the previous entry's hash and its own fields, so editing or deleting
// any entry breaks the chain from there on, which verify_audit_chain() finds.
//
// Writes are audited inside their own transaction (append_audit). Reads are many and must stay
// cheap, so they go through an AuditWriter that commits them in batches (group commit) a few
// milliseconds later; a crash can lose at most the last unflushed batch of read records.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "store/database.h"

namespace ektp::registry {

struct AuditEntry {
  std::int64_t at_ms = 0;
  std::string actor;    // username, or "public"
  std::string action;   // "read_person", "event.birth", "login", …
  std::string subject;  // NIK, KK number, username
  std::string detail;   // short free text (why, which fields)
};

// Appends within the caller's write transaction (serialised on the chain).
Status append_audit(store::Connection& db, const AuditEntry& entry);
Status append_audit_batch(store::Connection& db, const std::vector<AuditEntry>& entries);

struct AuditVerification {
  bool valid = true;
  std::int64_t entries = 0;
  std::int64_t broken_at = 0;  // seq of the first bad entry when !valid
  std::string problem;
};
Result<AuditVerification> verify_audit_chain(store::Database& db);

// Reads of one person's data by others (who looked at me): newest first.
Result<std::vector<AuditEntry>> audit_entries_for_subject(store::Connection& db,
                                                          std::string_view subject,
                                                          std::size_t limit);

class AuditWriter {
 public:
  explicit AuditWriter(store::Database& db);
  ~AuditWriter();  // flushes what is queued
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Queues an entry; blocks only when the bounded queue is full.
  void record(AuditEntry entry);
  // Blocks until everything queued before the call is committed.
  Status flush();

 private:
  void run();
  store::Database& db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::deque<AuditEntry> queue_;
  std::uint64_t queued_total_ = 0;
  std::uint64_t committed_total_ = 0;
  Status last_status_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ektp::registry
