#include "registry/audit_log.h"

#include <chrono>

#include <fmt/format.h>

#include "registry/sha256.h"

namespace ektp::registry {

namespace {

constexpr std::size_t kAuditQueueMax = 100'000;
constexpr std::size_t kAuditBatchMax = 5'000;
constexpr auto kAuditFlushInterval = std::chrono::milliseconds(20);
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

Result<std::string> lock_chain_and_read_head(store::Connection& db) {
  if (db.backend() == store::Backend::kPostgreSQL) {
    auto locked = db.execute("SELECT pg_advisory_xact_lock($1)", {kAuditChainLockId});
    if (!locked) return std::unexpected(locked.error());
  }
  auto head = db.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!head) return std::unexpected(head.error());
  return head->rows.empty() ? kGenesisHash : head->rows.front().text(0);
}

}  // namespace

Status append_audit_batch(store::Connection& db, const std::vector<AuditEntry>& entries) {
  if (entries.empty()) return {};
  auto head = lock_chain_and_read_head(db);
  if (!head) return std::unexpected(head.error());
  std::string prev = *head;
  std::vector<std::vector<store::Value>> rows;
  rows.reserve(entries.size());
  for (const auto& e : entries) {
    auto hash = entry_hash(prev, e);
    rows.push_back({e.at_ms, e.actor, e.action, e.subject, e.detail, prev, hash});
    prev = std::move(hash);
  }
  return db.insert_rows("audit_log", {"at_ms", "actor", "action", "subject", "detail", "prev_hash", "hash"},
                        rows);
}

Status append_audit(store::Connection& db, const AuditEntry& entry) {
  return append_audit_batch(db, {entry});
}

Result<AuditVerification> verify_audit_chain(store::Database& database) {
  auto connection = database.connect();
  if (!connection) return std::unexpected(connection.error());
  auto& db = **connection;
  if (auto s = db.begin_read(); !s) return std::unexpected(s.error());
  AuditVerification verification;
  std::string prev = kGenesisHash;
  std::int64_t after_seq = 0;
  constexpr std::int64_t kPage = 10'000;
  for (;;) {
    auto page = db.execute(
        "SELECT seq, at_ms, actor, action, subject, detail, prev_hash, hash FROM audit_log "
        "WHERE seq > $1 ORDER BY seq LIMIT $2",
        {after_seq, kPage});
    if (!page) return std::unexpected(page.error());
    for (const auto& r : page->rows) {
      AuditEntry e{r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5)};
      after_seq = r.integer(0);
      if (r.text(6) != prev) {
        verification = {false, verification.entries, after_seq, "prev_hash does not match the entry before"};
        return verification;
      }
      auto expected = entry_hash(prev, e);
      if (r.text(7) != expected) {
        verification = {false, verification.entries, after_seq, "hash does not match the entry's contents"};
        return verification;
      }
      prev = expected;
      verification.entries += 1;
    }
    if (static_cast<std::int64_t>(page->rows.size()) < kPage) break;
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

AuditWriter::AuditWriter(store::Database& db) : db_(db), thread_([this] { run(); }) {}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AuditWriter::record(AuditEntry entry) {
  std::unique_lock lock(mutex_);
  flushed_.wait(lock, [this] { return queue_.size() < kAuditQueueMax || stopping_; });
  queue_.push_back(std::move(entry));
  queued_total_ += 1;
  wake_.notify_one();
}

Status AuditWriter::flush() {
  std::unique_lock lock(mutex_);
  auto target = queued_total_;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return committed_total_ >= target || !last_status_; });
  return last_status_;
}

void AuditWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, kAuditFlushInterval, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      if (stopping_) return;
      continue;
    }
    std::vector<AuditEntry> batch;
    while (!queue_.empty() && batch.size() < kAuditBatchMax) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    auto status = store::with_write_transaction<bool>(
        db_, [&](store::Connection& db) -> Result<bool> {
          if (auto s = append_audit_batch(db, batch); !s) return std::unexpected(s.error());
          return true;
        });
    lock.lock();
    if (status) {
      committed_total_ += batch.size();
      last_status_ = {};
    } else {
      // Put the batch back in front so nothing is lost; try again on the next round.
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
      last_status_ = std::unexpected(status.error());
      if (stopping_) return;
    }
    flushed_.notify_all();
  }
}

}  // namespace ektp::registry
