// The append-only, hash-chained audit log (SPEC §9): every write and every read of personal data.
// Each entry's hash covers the previous entry's hash and its own fields, so editing or deleting
// any entry breaks the chain from there on, which verify_audit_chain() finds.
//
// Each entry's seq is the one before it plus one (assigned under the chain lock, not by a
// sequence that rolled-back transactions would leave holes in), so a gap is a deleted entry.
// The chain alone cannot show that its tail was cut or that it was rebuilt from some point on:
// signed checkpoints of its head, kept outside the database (audit_anchor.h), do.
//
// Writes are audited inside their own transaction (append_audit). Reads are many and must stay
// cheap, so they go through an AuditWriter that commits them in batches (group commit); the
// reader waits for its batch's commit, and a read whose record cannot be written is not served.
// The wait need not hold a thread: record_all_then() reports the commit to a callback, so an HTTP
// server can keep the answer back until its record is in (api/http.h, HttpResponse::gate).
// Given a journal (audit_journal.h), the writer makes each group durable there with one append
// and one fdatasync, and a mover thread extends the chain from the journal every 100 ms in one
// transaction per segment; a record is "committed" once it is in the journal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"

namespace ektp::access {

class AuditJournal;
class ClosedSegment;

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

// The newest entry (seq 0 and the genesis hash for an empty chain).
struct ChainHead {
  std::int64_t seq = 0;
  std::string hash;
  friend bool operator==(const ChainHead&, const ChainHead&) = default;
};
Result<ChainHead> audit_chain_head(store::Connection& db);
// The entry `seq` of the chain as a head (kNotFound when there is no such entry).
Result<ChainHead> audit_chain_entry(store::Connection& db, std::int64_t seq);
const std::string& audit_genesis_hash();

struct AuditVerification {
  bool valid = true;
  std::int64_t entries = 0;    // entries checked
  std::int64_t broken_at = 0;  // seq of the first bad entry when !valid
  std::string problem;
  ChainHead head;              // the last entry checked
};
// Walks the chain from `from` (the genesis by default, or an entry already known good, such as
// a signed checkpoint's) to its end: links, hashes and seq without gaps.
Result<AuditVerification> verify_audit_chain(store::Database& db, const ChainHead& from = {});

// Reads of one person's data by others (who looked at me): newest first.
Result<std::vector<AuditEntry>> audit_entries_for_subject(store::Connection& db,
                                                          std::string_view subject,
                                                          std::size_t limit);

class AuditWriter {
 public:
  // Without a journal, each group is a write transaction on `db`.
  explicit AuditWriter(store::Database& db);
  AuditWriter(store::Database& db, std::unique_ptr<AuditJournal> journal);
  ~AuditWriter();  // flushes what is queued
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Queues an entry and waits until it is committed. kUnavailable when it cannot be written
  // within `wait_max` (another process holds the write lock, the disk is full …): the caller must
  // then not serve what it was about to. The entry stays queued and is written once it can be.
  [[nodiscard]] Status record(AuditEntry entry,
                              std::chrono::milliseconds wait_max = std::chrono::seconds(3));
  // The same for several entries (one read of a whole family), committed together.
  [[nodiscard]] Status record_all(std::vector<AuditEntry> entries,
                                  std::chrono::milliseconds wait_max = std::chrono::seconds(3));
  // Queues the entries and returns at once; `done` runs once, on one of the writer's threads: with
  // an ok Status when they are committed, with kUnavailable when they could not be within
  // `wait_max` (or the queue is full: then at once, on the caller's thread). As for record_all,
  // entries that missed their deadline stay queued and are written once they can be.
  void record_all_then(std::vector<AuditEntry> entries, std::function<void(Status)> done,
                       std::chrono::milliseconds wait_max = std::chrono::seconds(3));
  // Blocks until everything queued before the call is in audit_log (moved from the journal too).
  Status flush();

 private:
  struct Waiter {
    std::uint64_t ticket = 0;
    std::chrono::steady_clock::time_point deadline;
    std::function<void(Status)> done;  // empty once called
  };
  void run();
  void watch_deadlines();
  void move_journal();  // the mover thread
  void wake_writer();  // with mutex_ held, after queueing
  // Takes the waiters whose entries are committed (guarded by mutex_).
  std::vector<std::function<void(Status)>> take_committed_waiters();
  store::Database& db_;
  const std::unique_ptr<AuditJournal> journal_;  // set before the threads start
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::deque<AuditEntry> queue_;
  std::deque<Waiter> waiters_;  // by ticket
  std::condition_variable waiter_added_;
  // When the deadline watcher wakes next (max: not until notified; min: it is awake).
  std::chrono::steady_clock::time_point watch_until_ = std::chrono::steady_clock::time_point::max();
  std::uint64_t queued_total_ = 0;
  std::uint64_t committed_total_ = 0;
  Status last_status_;
  bool stopping_ = false;
  bool writer_idle_ = false;  // waiting for the first record of a batch
  std::thread thread_;
  std::thread deadline_thread_;  // reports waiters whose commit is late while a commit blocks
  // With a journal (guarded by mutex_ unless said otherwise):
  std::vector<ClosedSegment> closed_segments_;  // the mover's only, oldest first
  std::condition_variable move_wake_;
  bool move_requested_ = false;
  bool writer_stopped_ = false;     // the writer has drained its queue for good
  std::uint64_t moved_total_ = 0;   // of committed_total_, how many are in audit_log
  std::uint64_t move_rounds_ = 0;
  Status last_move_status_;
  std::thread mover_thread_;
};

}  // namespace ektp::access
