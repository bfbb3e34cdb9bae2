// The files of bulk-matching jobs, in one folder of mode 0700 that only the server reads:
// <id>.input, the agency's upload, and <id>.result, its results (both mode 0600). Every write is
// made durable (fdatasync) before the database records it, so what the database says was
// received or done is always on disk; bytes on disk beyond that (a write that was never
// recorded) are cut off before the next write. Thread-safety: the folder object is shared; one
// writer per job's file at a time (the upload route serialises a job's chunks, the worker runs
// one job at a time).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "bulk_matching/bulk_match_job.h"
#include "core/error.h"

namespace ektp::bulk {

class BulkJobFiles {
 public:
  // Creates the folder (0700) when it is missing; refuses one that others may read or write.
  static Result<BulkJobFiles> open(std::filesystem::path dir);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path input_path(std::string_view id) const;
  std::filesystem::path result_path(std::string_view id) const;

  // Writes `bytes` at `offset` of the job's input, durably. Bytes already there past `offset`
  // (an earlier write whose recording was lost) are cut off first; a file shorter than `offset`
  // is kDataLoss.
  Status write_input(std::string_view id, std::uint64_t offset, std::string_view bytes) const;
  // The SHA-256 (hex) of the job's whole input, read in 1 MiB pieces.
  Result<std::string> input_sha256(std::string_view id) const;
  // Up to `length` bytes of the result file from `offset`, and the file's size.
  Result<std::string> read_result(std::string_view id, std::uint64_t offset, std::uint64_t length) const;
  Result<std::uint64_t> result_size(std::string_view id) const;
  // Removes both files (a failed upload); missing files are not an error.
  void remove(std::string_view id) const;

 private:
  explicit BulkJobFiles(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// A job's result file as the job's sink: each chunk is appended and made durable before its
// transaction, and the transaction records the checkpoint with the file's length
// (`record_checkpoint`), so a job resumed from that checkpoint cuts the file back to it.
class ResultFile final : public ResultSink {
 public:
  using RecordCheckpoint =
      std::function<Status(store::Connection&, const BulkMatchCheckpoint&, std::uint64_t result_bytes)>;

  // Opens (creates, 0600) `path` and cuts it to `keep_bytes`; a shorter file is kDataLoss.
  static Result<std::unique_ptr<ResultFile>> open(const std::filesystem::path& path, std::uint64_t keep_bytes,
                                                 RecordCheckpoint record_checkpoint,
                                                 const std::atomic<bool>* stop = nullptr);
  ~ResultFile() override;
  ResultFile(const ResultFile&) = delete;
  ResultFile& operator=(const ResultFile&) = delete;

  Status stage(std::string_view bytes) override;
  Status record(store::Connection& c, const BulkMatchCheckpoint& checkpoint) override;
  Status commit(std::string_view) override { return {}; }
  void unstage(std::string_view bytes) override;  // cuts the file back
  bool stop_requested() const override { return stop_ != nullptr && stop_->load(); }

  std::uint64_t size() const { return size_; }

 private:
  ResultFile(int fd, std::uint64_t size, RecordCheckpoint record_checkpoint, const std::atomic<bool>* stop)
      : fd_(fd), size_(size), record_checkpoint_(std::move(record_checkpoint)), stop_(stop) {}
  int fd_ = -1;
  std::uint64_t size_ = 0;
  RecordCheckpoint record_checkpoint_;
  const std::atomic<bool>* stop_ = nullptr;
};

}  // namespace ektp::bulk
