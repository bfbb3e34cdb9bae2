#include "bulk_matching/bulk_job_store.h"

#include <sodium.h>

#include <array>

#include <fmt/format.h>

namespace ektp::bulk {

namespace {

constexpr std::string_view kColumns =
    "id, agency_code, key_id, purpose, file_name, result_format, state, size_bytes, received_bytes, sha256, "
    "rows_done, chunks_done, result_counts, audited, result_bytes, resumed, created_at_ms, updated_at_ms, "
    "started_at_ms, finished_at_ms, error_reason, error_message, summary";

constexpr std::array<std::string_view, 5> kStateIds = {"uploading", "queued", "running", "done", "failed"};

std::optional<BulkJobState> state_of(std::string_view id) {
  for (std::size_t i = 0; i < kStateIds.size(); ++i) {
    if (kStateIds[i] == id) return static_cast<BulkJobState>(i);
  }
  return std::nullopt;
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string new_job_id() {
  std::array<unsigned char, 12> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string id = "pm_";
  for (const unsigned char b : bytes) id += fmt::format("{:02x}", b);
  return id;
}

Result<BulkJob> job_of(const store::Row& r) {
  BulkJob job;
  job.id = r.text(0);
  job.agency_code = r.text(1);
  job.key_id = r.text(2);
  job.purpose = r.text(3);
  job.file_name = r.text(4);
  job.result_format = r.text(5) == "jsonl" ? ResultFormat::kJsonLines : ResultFormat::kCsv;
  const auto state = state_of(r.text(6));
  if (!state) return make_error(ErrorCode::kDataLoss, fmt::format("bulk job {}: unknown state '{}'", job.id, r.text(6)));
  job.state = *state;
  job.size_bytes = static_cast<std::uint64_t>(r.integer(7));
  job.received_bytes = static_cast<std::uint64_t>(r.integer(8));
  job.sha256 = r.text(9);
  job.checkpoint.rows_done = static_cast<std::uint64_t>(r.integer(10));
  job.checkpoint.chunks_done = static_cast<std::uint64_t>(r.integer(11));
  if (const auto counts = r.text(12); !counts.empty()) {
    EKTP_ASSIGN_OR_RETURN(job.checkpoint.results, parse_result_counts(counts));
  }
  job.checkpoint.audited = static_cast<std::uint64_t>(r.integer(13));
  job.result_bytes = static_cast<std::uint64_t>(r.integer(14));
  job.resumed = static_cast<std::uint32_t>(r.integer(15));
  job.created_at_ms = r.integer(16);
  job.updated_at_ms = r.integer(17);
  job.started_at_ms = r.integer(18);
  job.finished_at_ms = r.integer(19);
  job.error_reason = r.text(20);
  job.error_message = r.text(21);
  job.summary_json = r.text(22);
  return job;
}

Result<BulkJob> one_job(store::Connection& c, std::string_view where, std::vector<store::Value> params) {
  EKTP_ASSIGN_OR_RETURN(auto rows, c.execute(fmt::format("SELECT {} FROM bulk_match_jobs WHERE {}", kColumns, where),
                                             params));
  if (rows.rows.empty()) return refusal(ErrorCode::kNotFound, "bulk_job_not_found", "no such bulk-matching job");
  return job_of(rows.rows.front());
}

// Moves job `id` from `from` to `to`; a job in another state is 409 bulk_job_state.
Status move_state(store::Connection& c, std::string_view id, BulkJobState from, BulkJobState to, std::int64_t now_ms,
                  std::string_view extra_set = "", std::vector<store::Value> extra = {}) {
  std::vector<store::Value> params{std::string(bulk_job_state_id(to)), now_ms, std::string(id),
                                   std::string(bulk_job_state_id(from))};
  for (auto& v : extra) params.push_back(std::move(v));
  EKTP_ASSIGN_OR_RETURN(auto done, c.execute(fmt::format("UPDATE bulk_match_jobs SET state = $1, updated_at_ms = $2{} "
                                                         "WHERE id = $3 AND state = $4",
                                                         extra_set),
                                             params));
  if (done.rows_affected == 0) {
    return refusal(ErrorCode::kFailedPrecondition, "bulk_job_state",
                   fmt::format("job {} is not {}", id, bulk_job_state_id(from)));
  }
  return {};
}

}  // namespace

std::string_view bulk_job_state_id(BulkJobState state) { return kStateIds[static_cast<std::size_t>(state)]; }

Result<BulkJob> create_bulk_job(store::Connection& c, const NewBulkJob& job, std::uint64_t file_bytes_max) {
  if (!is_sha256_hex(job.sha256)) return invalid_argument("sha256: the file's SHA-256 as 64 lower-case hex digits");
  if (job.size_bytes == 0) return refusal(ErrorCode::kInvalidArgument, "bulk_file_empty", "size_bytes: the file is empty");
  if (job.size_bytes > file_bytes_max) {
    return refusal(ErrorCode::kResourceExhausted, "bulk_file_too_large",
                   fmt::format("size_bytes: {} bytes is over the limit of {} bytes", job.size_bytes, file_bytes_max));
  }
  if (job.file_name.size() > bulk_job_limits::file_name_bytes_max) {
    return invalid_argument(fmt::format("file_name: at most {} bytes", bulk_job_limits::file_name_bytes_max));
  }
  EKTP_ASSIGN_OR_RETURN(auto same, c.execute("SELECT id, state FROM bulk_match_jobs WHERE agency_code = $1 AND "
                                             "sha256 = $2 AND state <> 'failed' ORDER BY created_at_ms LIMIT 1",
                                             {job.agency_code, job.sha256}));
  if (!same.rows.empty()) {
    return refusal(ErrorCode::kAlreadyExists, "bulk_file_already_submitted",
                   fmt::format("this file (SHA-256 {}) was already submitted as job {} ({})", job.sha256.substr(0, 12),
                               same.rows.front().text(0), same.rows.front().text(1)));
  }
  EKTP_ASSIGN_OR_RETURN(auto open, c.execute("SELECT COUNT(*) FROM bulk_match_jobs WHERE agency_code = $1 AND "
                                             "state IN ('uploading', 'queued', 'running')",
                                             {job.agency_code}));
  if (open.rows.front().integer(0) >= static_cast<std::int64_t>(bulk_job_limits::open_jobs_per_agency_max)) {
    return refusal(ErrorCode::kResourceExhausted, "bulk_jobs_too_many",
                   fmt::format("agency {} has {} jobs not yet finished, the most it may", job.agency_code,
                               bulk_job_limits::open_jobs_per_agency_max));
  }
  const std::string id = new_job_id();
  EKTP_RETURN_IF_ERROR(c.execute(
      "INSERT INTO bulk_match_jobs (id, agency_code, key_id, purpose, file_name, result_format, state, size_bytes, "
      "sha256, result_counts, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, 'uploading', $7, $8, $9, "
      "$10, $10)",
      {id, job.agency_code, job.key_id, job.purpose, job.file_name,
       std::string(job.result_format == ResultFormat::kJsonLines ? "jsonl" : "csv"),
       static_cast<std::int64_t>(job.size_bytes), job.sha256, result_counts_text({}), job.now_ms}));
  return load_bulk_job_by_id(c, id);
}

Result<BulkJob> load_bulk_job(store::Connection& c, std::string_view agency_code, std::string_view id) {
  return one_job(c, "id = $1 AND agency_code = $2", {std::string(id), std::string(agency_code)});
}

Result<BulkJob> load_bulk_job_by_id(store::Connection& c, std::string_view id) {
  return one_job(c, "id = $1", {std::string(id)});
}

Result<std::vector<BulkJob>> list_bulk_jobs(store::Connection& c, std::string_view agency_code) {
  EKTP_ASSIGN_OR_RETURN(auto rows, c.execute(fmt::format("SELECT {} FROM bulk_match_jobs WHERE agency_code = $1 "
                                                         "ORDER BY created_at_ms DESC, id LIMIT {}",
                                                         kColumns, bulk_job_limits::jobs_listed_max),
                                             {std::string(agency_code)}));
  std::vector<BulkJob> jobs;
  for (const auto& r : rows.rows) {
    EKTP_ASSIGN_OR_RETURN(auto job, job_of(r));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Status record_upload_progress(store::Connection& c, std::string_view id, std::uint64_t received_bytes,
                              std::int64_t now_ms) {
  EKTP_ASSIGN_OR_RETURN(auto done, c.execute("UPDATE bulk_match_jobs SET received_bytes = $1, updated_at_ms = $2 "
                                             "WHERE id = $3 AND state = 'uploading'",
                                             {static_cast<std::int64_t>(received_bytes), now_ms, std::string(id)}));
  if (done.rows_affected == 0) {
    return refusal(ErrorCode::kFailedPrecondition, "bulk_job_state", fmt::format("job {} is not uploading", id));
  }
  return {};
}

Status queue_bulk_job(store::Connection& c, std::string_view id, std::int64_t now_ms) {
  return move_state(c, id, BulkJobState::kUploading, BulkJobState::kQueued, now_ms);
}

Status start_bulk_job(store::Connection& c, std::string_view id, std::int64_t now_ms) {
  if (move_state(c, id, BulkJobState::kQueued, BulkJobState::kRunning, now_ms, ", started_at_ms = $5", {now_ms})) {
    return {};
  }
  return move_state(c, id, BulkJobState::kRunning, BulkJobState::kRunning, now_ms, ", resumed = resumed + 1");
}

Status record_bulk_checkpoint(store::Connection& c, std::string_view id, const BulkMatchCheckpoint& checkpoint,
                              std::uint64_t result_bytes, std::int64_t now_ms) {
  return move_state(c, id, BulkJobState::kRunning, BulkJobState::kRunning, now_ms,
                    ", rows_done = $5, chunks_done = $6, result_counts = $7, audited = $8, result_bytes = $9",
                    {static_cast<std::int64_t>(checkpoint.rows_done), static_cast<std::int64_t>(checkpoint.chunks_done),
                     result_counts_text(checkpoint.results), static_cast<std::int64_t>(checkpoint.audited),
                     static_cast<std::int64_t>(result_bytes)});
}

Status finish_bulk_job(store::Connection& c, std::string_view id, std::string_view summary_json,
                       std::uint64_t result_bytes, std::int64_t now_ms) {
  return move_state(c, id, BulkJobState::kRunning, BulkJobState::kDone, now_ms,
                    ", summary = $5, result_bytes = $6, finished_at_ms = $2",
                    {std::string(summary_json), static_cast<std::int64_t>(result_bytes)});
}

Status fail_bulk_job(store::Connection& c, std::string_view id, std::string_view reason, std::string_view message,
                     std::int64_t now_ms) {
  EKTP_ASSIGN_OR_RETURN(auto done, c.execute("UPDATE bulk_match_jobs SET state = 'failed', error_reason = $1, "
                                             "error_message = $2, updated_at_ms = $3, finished_at_ms = $3 "
                                             "WHERE id = $4 AND state IN ('uploading', 'queued', 'running')",
                                             {std::string(reason.substr(0, 80)), std::string(message.substr(0, 500)),
                                              now_ms, std::string(id)}));
  if (done.rows_affected == 0) {
    return refusal(ErrorCode::kFailedPrecondition, "bulk_job_state", fmt::format("job {} has already ended", id));
  }
  return {};
}

Result<std::optional<std::string>> next_runnable_bulk_job(store::Connection& c) {
  EKTP_ASSIGN_OR_RETURN(auto rows, c.execute("SELECT id FROM bulk_match_jobs WHERE state IN ('running', 'queued') "
                                             "ORDER BY CASE state WHEN 'running' THEN 0 ELSE 1 END, created_at_ms, id "
                                             "LIMIT 1"));
  if (rows.rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows.rows.front().text(0));
}

}  // namespace ektp::bulk
