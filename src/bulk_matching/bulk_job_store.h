// The bulk-matching jobs an agency has submitted (table bulk_match_jobs, migration 24): each
// starts as an upload, is queued once its last byte is in and its SHA-256 and header are
// checked, and is run in the background by BulkJobWorker (bulk_job_worker.h), which records a
// checkpoint with every chunk so that a restarted server resumes it. States, in order:
//   uploading → queued → running → done | failed
// A file is recognised by its SHA-256: an agency cannot submit the same file twice while its
// first job is not failed (409 bulk_file_already_submitted, naming that job).
// Functions take an open Connection (the caller's transaction). Thread-safety: as the Connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bulk_matching/bulk_match_job.h"
#include "bulk_matching/result_writer.h"
#include "core/error.h"
#include "store/database.h"

namespace ektp::bulk {

enum class BulkJobState : std::uint8_t { kUploading, kQueued, kRunning, kDone, kFailed };
std::string_view bulk_job_state_id(BulkJobState state);  // "uploading", "queued", …

namespace bulk_job_limits {
inline constexpr std::uint64_t file_bytes_max_default = 8ULL << 30;  // 8 GiB: ~90 M rows of 90 bytes
inline constexpr std::size_t file_name_bytes_max = 200;
inline constexpr std::size_t jobs_listed_max = 100;
inline constexpr std::size_t open_jobs_per_agency_max = 20;  // uploading, queued or running
}  // namespace bulk_job_limits

struct NewBulkJob {
  std::string agency_code;
  std::string key_id;  // the API key that created it
  std::string purpose;
  std::string file_name;  // the agency's own name for the file (for its list); may be empty
  ResultFormat result_format = ResultFormat::kCsv;
  std::uint64_t size_bytes = 0;
  std::string sha256;  // lower-case hex, as the agency states it
  std::int64_t now_ms = 0;
};

struct BulkJob {
  std::string id;
  std::string agency_code;
  std::string key_id;
  std::string purpose;
  std::string file_name;
  ResultFormat result_format = ResultFormat::kCsv;
  BulkJobState state = BulkJobState::kUploading;
  std::uint64_t size_bytes = 0;
  std::uint64_t received_bytes = 0;
  std::string sha256;
  BulkMatchCheckpoint checkpoint;  // the last committed chunk's
  std::uint64_t result_bytes = 0;  // of the result file, up to that checkpoint (the whole file when done)
  std::uint32_t resumed = 0;       // times the job was taken up again after a stop
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t started_at_ms = 0;
  std::int64_t finished_at_ms = 0;
  std::string error_reason;  // failed: the stable reason
  std::string error_message;
  std::string summary_json;  // done: summary_json() of bulk_match_job.h
};

// A new job in state uploading, with a fresh id ("pm_" and 24 hex digits). Refuses a stated
// SHA-256 that is not 64 hex digits (400), a size of 0 (400 bulk_file_empty) or over
// `file_bytes_max` (413 bulk_file_too_large), the same file again (409 bulk_file_already_submitted)
// and too many open jobs (429 bulk_jobs_too_many).
Result<BulkJob> create_bulk_job(store::Connection& c, const NewBulkJob& job, std::uint64_t file_bytes_max);
// The job `id` of `agency_code` (404 bulk_job_not_found also for another agency's job, which this
// answer does not reveal).
Result<BulkJob> load_bulk_job(store::Connection& c, std::string_view agency_code, std::string_view id);
// Any agency's (the worker's view).
Result<BulkJob> load_bulk_job_by_id(store::Connection& c, std::string_view id);
// The agency's newest jobs first, at most bulk_job_limits::jobs_listed_max.
Result<std::vector<BulkJob>> list_bulk_jobs(store::Connection& c, std::string_view agency_code);

Status record_upload_progress(store::Connection& c, std::string_view id, std::uint64_t received_bytes,
                              std::int64_t now_ms);
// uploading → queued.
Status queue_bulk_job(store::Connection& c, std::string_view id, std::int64_t now_ms);
// queued → running (first start), or running → running (taken up again: resumed + 1).
Status start_bulk_job(store::Connection& c, std::string_view id, std::int64_t now_ms);
Status record_bulk_checkpoint(store::Connection& c, std::string_view id, const BulkMatchCheckpoint& checkpoint,
                              std::uint64_t result_bytes, std::int64_t now_ms);
Status finish_bulk_job(store::Connection& c, std::string_view id, std::string_view summary_json,
                       std::uint64_t result_bytes, std::int64_t now_ms);
Status fail_bulk_job(store::Connection& c, std::string_view id, std::string_view reason, std::string_view message,
                     std::int64_t now_ms);
// The job to run next: one left running by a stopped server first, then the oldest queued.
Result<std::optional<std::string>> next_runnable_bulk_job(store::Connection& c);

}  // namespace ektp::bulk
