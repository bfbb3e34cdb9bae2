// The audit journal: where a read's audit record becomes durable in one append and one
// fdatasync per group, before it is moved, in large transactions, into the hash-chained
// audit_log (audit_log.h). A SQLite write transaction per group of reads (the chain lock, the
// head, the insert, the WAL and its fsync) costs far more than the read it records; an append to
// a file of our own costs a few microseconds of CPU, and the chain is then extended a few hundred
// entries at a time.
//
// Layout: a folder (0700, beside the chain's anchor) of segments `seg-<id>.log` (0600). A
// process appends to one open segment of its own, holding an exclusive flock on it and on every
// segment it closed but has not moved yet; a segment nobody holds was left by a process that
// stopped before moving it, and whoever finds it next (the next server, `ektp audit verify`)
// moves it. A segment is moved in one transaction that also records its id in
// audit_journal_moves, so a crash between the commit and the file's removal never moves it
// twice. Records are length-prefixed with a CRC-32; a torn last record (a crash in mid-append,
// never acknowledged) is dropped, and anything unreadable is reported, not silently skipped.
//
// Thread-safety: append() and rotate() may be called from different threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "access/audit_log.h"
#include "store/database.h"

namespace ektp::access {

namespace journal_limits {
inline constexpr std::size_t record_bytes_max = 64 * 1024;
inline constexpr std::uintmax_t segment_bytes_max = 256ULL * 1024 * 1024;
}  // namespace journal_limits

// The folder of the journal for a chain anchored in `anchor_dir`.
std::filesystem::path audit_journal_dir(const std::filesystem::path& anchor_dir);

// A closed segment, still locked by whoever closed it (the lock goes with the file descriptor).
class ClosedSegment {
 public:
  ClosedSegment(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  ClosedSegment(ClosedSegment&& other) noexcept;
  ClosedSegment& operator=(ClosedSegment&& other) noexcept;
  ClosedSegment(const ClosedSegment&) = delete;
  ~ClosedSegment();
  const std::filesystem::path& path() const { return path_; }
  int fd() const { return fd_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

struct JournalSegmentContent {
  std::string id;  // from the file name
  std::vector<AuditEntry> entries;
  std::uintmax_t bytes_dropped = 0;  // after the last good record (a torn tail, or damage)
};
// Parses a segment file (bounded by journal_limits).
Result<JournalSegmentContent> read_journal_segment(const std::filesystem::path& path);

// Moves a closed segment into audit_log (one transaction, idempotent by the segment's id), then
// removes the file. Returns how many entries it moved (0 when an earlier mover had). When it
// cannot (the database is busy), the segment stays as it was, still locked by its holder.
Result<std::size_t> move_journal_segment(store::Database& db, const ClosedSegment& segment);

// Moves every segment in `dir` that no live process holds. Returns the entries moved; a folder
// that does not exist holds none.
Result<std::size_t> move_orphaned_journal_segments(store::Database& db, const std::filesystem::path& dir);

class AuditJournal {
 public:
  // Opens (creates, 0700) the folder and a new segment of its own.
  static Result<std::unique_ptr<AuditJournal>> open(const std::filesystem::path& dir);
  ~AuditJournal();
  AuditJournal(const AuditJournal&) = delete;
  AuditJournal& operator=(const AuditJournal&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // Appends the entries to the open segment and returns once they are on disk.
  Status append(const std::vector<AuditEntry>& entries);
  // Entries appended to the open segment so far.
  std::size_t open_entries() const;
  // Closes the open segment when it holds entries, and opens the next one.
  Result<std::optional<ClosedSegment>> rotate();

 private:
  AuditJournal(std::filesystem::path dir, std::filesystem::path path, int fd);
  std::filesystem::path dir_;
  mutable std::mutex mutex_;
  std::filesystem::path path_;  // the open segment
  int fd_ = -1;
  std::size_t entries_ = 0;
  std::uintmax_t bytes_ = 0;
};

}  // namespace ektp::access
