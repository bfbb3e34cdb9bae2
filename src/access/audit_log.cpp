#include "access/audit_log.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "access/audit_journal.h"
#include "access/sha256.h"

namespace ektp::access {

namespace {

constexpr std::size_t kAuditQueueMax = 100'000;
constexpr std::size_t kAuditBatchMax = 5'000;
constexpr auto kAuditIdleWake = std::chrono::milliseconds(200);
constexpr auto kAuditRetryDelay = std::chrono::milliseconds(50);
constexpr auto kJournalMoveInterval = std::chrono::milliseconds(100);
constexpr auto kOrphanScanInterval = std::chrono::seconds(30);
constexpr std::int64_t kAuditChainLockId = 746'101;
const std::string kGenesisHash(64, '0');

// Length-prefixed fields, so that no two different entries hash the same text.
std::string entry_hash(const std::string& prev_hash, const AuditEntry& e) {
  std::string text = prev_hash;
  for (const std::string* field : {&e.actor, &e.action, &e.subject, &e.detail}) {
    text += fmt::format("|{}:{}", field->size(), *field);
  }
  text += fmt::format("|{}", e.at_ms);
  return sha256_hex(text);
}

Result<ChainHead> lock_chain_and_read_head(store::Connection& db) {
  if (db.backend() == store::Backend::kPostgreSQL) {
    auto locked = db.execute("SELECT pg_advisory_xact_lock($1)", {kAuditChainLockId});
    if (!locked) return std::unexpected(locked.error());
  }
  return audit_chain_head(db);
}

ChainHead head_of_row(const store::Row& row) { return {row.integer(0), row.text(1)}; }

}  // namespace

const std::string& audit_genesis_hash() { return kGenesisHash; }

Result<ChainHead> audit_chain_head(store::Connection& db) {
  auto head = db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!head) return std::unexpected(head.error());
  if (head->rows.empty()) return ChainHead{0, kGenesisHash};
  return head_of_row(head->rows.front());
}

Result<ChainHead> audit_chain_entry(store::Connection& db, std::int64_t seq) {
  if (seq == 0) return ChainHead{0, kGenesisHash};
  auto entry = db.execute("SELECT seq, hash FROM audit_log WHERE seq = $1", {seq});
  if (!entry) return std::unexpected(entry.error());
  if (entry->rows.empty()) return not_found(fmt::format("the audit log has no entry {}", seq));
  return head_of_row(entry->rows.front());
}

Status append_audit_batch(store::Connection& db, const std::vector<AuditEntry>& entries) {
  if (entries.empty()) return {};
  auto head = lock_chain_and_read_head(db);
  if (!head) return std::unexpected(head.error());
  std::string prev = head->hash;
  std::int64_t seq = head->seq;
  std::vector<std::vector<store::Value>> rows;
  rows.reserve(entries.size());
  for (const auto& e : entries) {
    auto hash = entry_hash(prev, e);
    rows.push_back({++seq, e.at_ms, e.actor, e.action, e.subject, e.detail, prev, hash});
    prev = std::move(hash);
  }
  return db.insert_rows("audit_log",
                        {"seq", "at_ms", "actor", "action", "subject", "detail", "prev_hash", "hash"}, rows);
}

Status append_audit(store::Connection& db, const AuditEntry& entry) {
  return append_audit_batch(db, {entry});
}

Result<AuditVerification> verify_audit_chain(store::Database& database, const ChainHead& from) {
  auto connection = database.connect();
  if (!connection) return std::unexpected(connection.error());
  auto& db = **connection;
  if (auto s = db.begin_read(); !s) return std::unexpected(s.error());
  AuditVerification verification;
  const ChainHead start = from.hash.empty() ? ChainHead{0, kGenesisHash} : from;
  verification.head = start;
  if (start.seq > 0) {
    auto known = audit_chain_entry(db, start.seq);
    if (!known && known.error().code != ErrorCode::kNotFound) return std::unexpected(known.error());
    if (!known || known->hash != start.hash) {
      (void)db.rollback();
      verification.valid = false;
      verification.broken_at = start.seq;
      verification.problem = known ? "the entry at the starting point has another hash"
                                   : "the entry at the starting point is missing";
      return verification;
    }
  }
  std::string prev = start.hash;
  std::int64_t after_seq = start.seq;
  constexpr std::int64_t kPage = 10'000;
  const auto fail = [&](std::int64_t seq, std::string problem) {
    verification.valid = false;
    verification.broken_at = seq;
    verification.problem = std::move(problem);
  };
  for (;;) {
    auto page = db.execute(
        "SELECT seq, at_ms, actor, action, subject, detail, prev_hash, hash FROM audit_log "
        "WHERE seq > $1 ORDER BY seq LIMIT $2",
        {after_seq, kPage});
    if (!page) return std::unexpected(page.error());
    for (const auto& r : page->rows) {
      AuditEntry e{r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5)};
      const std::int64_t seq = r.integer(0);
      if (seq != after_seq + 1) {
        fail(after_seq + 1, fmt::format("entries {} to {} are missing", after_seq + 1, seq - 1));
        break;
      }
      after_seq = seq;
      if (r.text(6) != prev) {
        fail(seq, "prev_hash does not match the entry before");
        break;
      }
      auto expected = entry_hash(prev, e);
      if (r.text(7) != expected) {
        fail(seq, "hash does not match the entry's contents");
        break;
      }
      prev = std::move(expected);
      verification.entries += 1;
      verification.head = {seq, prev};
    }
    if (!verification.valid || static_cast<std::int64_t>(page->rows.size()) < kPage) break;
  }
  (void)db.rollback();
  return verification;
}

Result<std::vector<AuditEntry>> audit_entries_for_subject(store::Connection& db,
                                                          std::string_view subject,
                                                          std::size_t limit) {
  auto rows = db.execute(
      "SELECT at_ms, actor, action, subject, detail FROM audit_log WHERE subject = $1 "
      "ORDER BY seq DESC LIMIT $2",
      {std::string(subject), static_cast<std::int64_t>(limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<AuditEntry> entries;
  for (const auto& r : rows->rows) {
    entries.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4)});
  }
  return entries;
}

AuditWriter::AuditWriter(store::Database& db) : AuditWriter(db, nullptr) {}

AuditWriter::AuditWriter(store::Database& db, std::unique_ptr<AuditJournal> journal)
    : db_(db),
      journal_(std::move(journal)),
      thread_([this] { run(); }),
      deadline_thread_([this] { watch_deadlines(); }) {
  if (journal_) mover_thread_ = std::thread([this] { move_journal(); });
}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  waiter_added_.notify_all();
  thread_.join();
  deadline_thread_.join();
  if (mover_thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      writer_stopped_ = true;  // the mover's last round takes everything the writer journaled
    }
    move_wake_.notify_all();
    mover_thread_.join();
  }
  // The writer has drained what it could; whoever still waits hears that it will not be written.
  std::vector<std::function<void(Status)>> left;
  {
    std::lock_guard lock(mutex_);
    for (auto& waiter : waiters_) {
      if (waiter.done) left.push_back(std::exchange(waiter.done, nullptr));
    }
    waiters_.clear();
  }
  for (auto& done : left) done(make_error(ErrorCode::kUnavailable, "the audit writer has stopped"));
}

Status AuditWriter::record(AuditEntry entry, std::chrono::milliseconds wait_max) {
  std::vector<AuditEntry> entries;
  entries.push_back(std::move(entry));
  return record_all(std::move(entries), wait_max);
}

Status AuditWriter::record_all(std::vector<AuditEntry> entries, std::chrono::milliseconds wait_max) {
  if (entries.empty()) return {};
  const auto deadline = std::chrono::steady_clock::now() + wait_max;
  std::unique_lock lock(mutex_);
  if (!flushed_.wait_until(lock, deadline,
                           [&] { return queue_.size() + entries.size() <= kAuditQueueMax || stopping_; })) {
    return make_error(ErrorCode::kUnavailable, "the audit log is not being written (its queue is full)");
  }
  for (auto& entry : entries) queue_.push_back(std::move(entry));
  queued_total_ += entries.size();
  const std::uint64_t ticket = queued_total_;
  wake_writer();
  if (!flushed_.wait_until(lock, deadline, [&] { return committed_total_ >= ticket; })) {
    return make_error(ErrorCode::kUnavailable,
                      fmt::format("the audit record could not be written within {} ms{}", wait_max.count(),
                                  last_status_ ? std::string() : ": " + last_status_.error().message));
  }
  return {};
}

void AuditWriter::record_all_then(std::vector<AuditEntry> entries, std::function<void(Status)> done,
                                  std::chrono::milliseconds wait_max) {
  if (entries.empty()) return done({});
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() + entries.size() <= kAuditQueueMax && !stopping_) {
      for (auto& entry : entries) queue_.push_back(std::move(entry));
      queued_total_ += entries.size();
      const auto deadline = std::chrono::steady_clock::now() + wait_max;
      waiters_.push_back({queued_total_, deadline, std::move(done)});
      wake_writer();
      // The watcher sleeps until the earliest deadline it knows; wake it only for an earlier one.
      if (deadline < watch_until_) waiter_added_.notify_one();
      return;
    }
  }
  done(make_error(ErrorCode::kUnavailable, "the audit log is not being written (its queue is full)"));
}

Status AuditWriter::flush() {
  std::unique_lock lock(mutex_);
  auto target = queued_total_;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return committed_total_ >= target || !last_status_; });
  if (!last_status_ || !journal_) return last_status_;
  // In the journal; now into the chain, by a round of the mover that starts after this.
  const std::uint64_t round = move_rounds_ + 1;
  move_requested_ = true;
  move_wake_.notify_one();
  flushed_.wait(lock, [&] { return moved_total_ >= target || (move_rounds_ > round && !last_move_status_); });
  return moved_total_ >= target ? Status{} : last_move_status_;
}

void AuditWriter::wake_writer() {
  // A busy writer looks at the queue again after its commit; only an idle one needs waking.
  if (writer_idle_) wake_.notify_one();
}

std::vector<std::function<void(Status)>> AuditWriter::take_committed_waiters() {
  std::vector<std::function<void(Status)>> committed;
  while (!waiters_.empty() && waiters_.front().ticket <= committed_total_) {
    if (waiters_.front().done) committed.push_back(std::exchange(waiters_.front().done, nullptr));
    waiters_.pop_front();
  }
  return committed;
}

void AuditWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    // Group commit: what queued while the previous batch was committing goes in the next one.
    writer_idle_ = true;
    wake_.wait_for(lock, kAuditIdleWake, [this] { return stopping_ || !queue_.empty(); });
    writer_idle_ = false;
    if (queue_.empty()) {
      if (stopping_) return;
      continue;
    }
    std::vector<AuditEntry> batch;
    batch.reserve(std::min(queue_.size(), kAuditBatchMax));
    while (!queue_.empty() && batch.size() < kAuditBatchMax) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    Status status;
    if (journal_) {
      status = journal_->append(batch);
    } else if (auto written = store::with_write_transaction<bool>(
                   db_, [&](store::Connection& db) -> Result<bool> {
                     if (auto s = append_audit_batch(db, batch); !s) return std::unexpected(s.error());
                     return true;
                   });
               !written) {
      status = std::unexpected(written.error());
    }
    lock.lock();
    if (status) {
      committed_total_ += batch.size();
      last_status_ = {};
      auto committed = take_committed_waiters();
      flushed_.notify_all();
      if (!committed.empty()) {
        lock.unlock();
        for (auto& done : committed) done({});
        lock.lock();
      }
      continue;
    }
    // Put the batch back in front so nothing is lost; try again on the next round.
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
    last_status_ = std::unexpected(status.error());
    if (stopping_) return;
    flushed_.notify_all();
    wake_.wait_for(lock, kAuditRetryDelay, [this] { return stopping_; });
  }
}

// Every interval (or when flush() asks), closes the journal's open segment and moves the closed
// ones, oldest first, into audit_log; what a process left behind is moved at start and then
// every 30 s. A move that fails (the database busy) is tried again next round: the entries are
// safe in the journal meanwhile.
void AuditWriter::move_journal() {
  const auto move_orphans = [this] {
    if (auto orphans = move_orphaned_journal_segments(db_, journal_->dir()); !orphans) {
      spdlog::warn("audit journal: segments left by another process are not moved yet: {}", orphans.error().message);
    }
  };
  move_orphans();
  auto next_orphan_scan = std::chrono::steady_clock::now() + kOrphanScanInterval;
  std::unique_lock lock(mutex_);
  for (;;) {
    move_wake_.wait_for(lock, kJournalMoveInterval, [this] { return move_requested_ || writer_stopped_; });
    const bool last_round = writer_stopped_;
    move_requested_ = false;
    const std::uint64_t journaled = committed_total_;
    lock.unlock();
    Status status;
    if (auto closed = journal_->rotate(); !closed) {
      status = std::unexpected(closed.error());
    } else if (closed->has_value()) {
      closed_segments_.push_back(std::move(**closed));
    }
    std::size_t moved_segments = 0;
    for (const auto& segment : closed_segments_) {
      if (auto moved = move_journal_segment(db_, segment); !moved) {
        status = std::unexpected(moved.error());
        break;
      }
      ++moved_segments;
    }
    closed_segments_.erase(closed_segments_.begin(),
                           closed_segments_.begin() + static_cast<std::ptrdiff_t>(moved_segments));
    if (!status) spdlog::warn("audit journal: entries not moved into the chain yet: {}", status.error().message);
    if (const auto now = std::chrono::steady_clock::now(); now >= next_orphan_scan) {
      move_orphans();
      next_orphan_scan = now + kOrphanScanInterval;
    }
    lock.lock();
    // Everything journaled before the rotation is in a closed segment; with none left, it is moved.
    if (status && closed_segments_.empty()) moved_total_ = std::max(moved_total_, journaled);
    last_move_status_ = status;
    ++move_rounds_;
    flushed_.notify_all();
    if (last_round) return;
  }
}

// The writer may sit in a commit that waits for another process's lock; those who wait for a
// callback still hear within their time, from here.
void AuditWriter::watch_deadlines() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto next = std::chrono::steady_clock::time_point::max();
    for (const auto& waiter : waiters_) {
      if (waiter.done) next = std::min(next, waiter.deadline);
    }
    watch_until_ = next;
    if (next == std::chrono::steady_clock::time_point::max()) {
      waiter_added_.wait(lock);
      continue;
    }
    waiter_added_.wait_until(lock, next);
    watch_until_ = std::chrono::steady_clock::time_point::min();  // awake: no notification needed
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::function<void(Status)>> late;
    for (auto& waiter : waiters_) {
      if (waiter.done && waiter.deadline <= now) late.push_back(std::exchange(waiter.done, nullptr));
    }
    if (late.empty()) continue;
    const std::string why = last_status_ ? std::string() : ": " + last_status_.error().message;
    lock.unlock();
    for (auto& done : late) {
      done(make_error(ErrorCode::kUnavailable, "the audit record could not be written in time" + why));
    }
    lock.lock();
  }
}

}  // namespace ektp::access
