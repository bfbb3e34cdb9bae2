#include "abis/dedup_jobs.h"

#include <array>

#include <fmt/format.h>

#include "registry/enrollment_store.h"

namespace ektp::abis {

namespace {

constexpr std::array<std::string_view, 4> kStatusIds = {"queued", "running", "done", "failed"};
constexpr std::size_t kErrorBytesMax = 1000;

constexpr std::string_view kJobColumns =
    "id, enrollment_id, nik, status, attempts, created_at_ms, started_at_ms, finished_at_ms, result, "
    "candidates, best_score, error";

Result<DedupJob> job_from_row(const store::Row& row) {
  DedupJob j;
  j.id = row.integer(0);
  j.enrollment_id = row.text(1);
  j.nik = row.text(2);
  auto status = parse_dedup_job_status(row.text(3));
  if (!status) return make_error(ErrorCode::kDataLoss, fmt::format("dedup job {}: bad status", j.id));
  j.status = *status;
  j.attempts = static_cast<int>(row.integer(4));
  j.created_at_ms = row.integer(5);
  j.started_at_ms = row.integer(6);
  j.finished_at_ms = row.integer(7);
  const std::string result = row.text(8);
  j.result = result == "hit" ? DedupResult::kHit : result == "no_hit" ? DedupResult::kNoHit : DedupResult::kNone;
  j.candidates = static_cast<int>(row.integer(9));
  j.best_score = row.real(10);
  j.error = row.text(11);
  return j;
}

Result<std::vector<DedupJob>> jobs_from(const Result<store::QueryResult>& rows) {
  if (!rows) return std::unexpected(rows.error());
  std::vector<DedupJob> out;
  for (const auto& row : rows->rows) {
    auto j = job_from_row(row);
    if (!j) return std::unexpected(j.error());
    out.push_back(std::move(*j));
  }
  return out;
}

std::string clipped(std::string_view text) { return std::string(text.substr(0, kErrorBytesMax)); }

Status expect_one_running(const Result<store::QueryResult>& updated, std::int64_t job_id) {
  if (!updated) return std::unexpected(updated.error());
  if (updated->rows_affected != 1) return failed_precondition(fmt::format("dedup job {} is not running", job_id));
  return {};
}

}  // namespace

std::string_view dedup_job_status_id(DedupJobStatus status) { return kStatusIds[static_cast<std::size_t>(status)]; }

Result<DedupJobStatus> parse_dedup_job_status(std::string_view id) {
  for (std::size_t i = 0; i < kStatusIds.size(); ++i) {
    if (kStatusIds[i] == id) return static_cast<DedupJobStatus>(i);
  }
  return invalid_argument(fmt::format("dedup job status '{}' is not queued, running, done or failed", id.substr(0, 40)));
}

std::string_view dedup_result_id(DedupResult result) {
  switch (result) {
    case DedupResult::kNoHit: return "no_hit";
    case DedupResult::kHit: return "hit";
    case DedupResult::kNone: break;
  }
  return "";
}

Status enqueue_dedup_job(store::Connection& db, std::string_view enrollment_id, std::string_view nik,
                         std::int64_t now_ms) {
  auto enrollment = db.execute("SELECT nik FROM enrollments WHERE enrollment_id = $1", {std::string(enrollment_id)});
  if (!enrollment) return std::unexpected(enrollment.error());
  if (enrollment->rows.empty()) {
    return not_found(fmt::format("dedup: enrollment {} not found", enrollment_id.substr(0, 64)));
  }
  if (enrollment->rows[0].text(0) != nik) {
    return invalid_argument(fmt::format("dedup: enrollment {} belongs to NIK {}, not {}", enrollment_id,
                                        enrollment->rows[0].text(0), nik.substr(0, 20)));
  }
  // ON CONFLICT keeps a PostgreSQL transaction usable when the job already exists.
  auto inserted = db.execute(
      "INSERT INTO dedup_jobs (enrollment_id, nik, status, created_at_ms) VALUES ($1, $2, 'queued', $3) "
      "ON CONFLICT (enrollment_id) DO NOTHING",
      {std::string(enrollment_id), std::string(nik), now_ms});
  if (!inserted) return std::unexpected(inserted.error());
  if (inserted->rows_affected == 0) return {};  // already queued (or done) once
  return registry::set_enrollment_status(db, enrollment_id, registry::EnrollmentStatus::kDedup, now_ms,
                                         "Sidik jari sedang dicocokkan dengan data penduduk lain");
}

Result<std::optional<DedupJob>> dedup_job_of(store::Connection& db, std::string_view enrollment_id) {
  auto jobs = jobs_from(db.execute(fmt::format("SELECT {} FROM dedup_jobs WHERE enrollment_id = $1", kJobColumns),
                                   {std::string(enrollment_id)}));
  if (!jobs) return std::unexpected(jobs.error());
  if (jobs->empty()) return std::optional<DedupJob>{};
  return std::optional<DedupJob>{std::move(jobs->front())};
}

Result<std::vector<DedupJob>> list_dedup_jobs(store::Connection& db, std::optional<DedupJobStatus> status,
                                              std::size_t limit) {
  if (limit == 0 || limit > 10'000) return invalid_argument("dedup jobs: limit must be 1..10000");
  if (status) {
    return jobs_from(db.execute(fmt::format("SELECT {} FROM dedup_jobs WHERE status = $1 ORDER BY id LIMIT {}",
                                            kJobColumns, limit),
                                {std::string(dedup_job_status_id(*status))}));
  }
  return jobs_from(db.execute(fmt::format("SELECT {} FROM dedup_jobs ORDER BY id LIMIT {}", kJobColumns, limit)));
}

Result<std::int64_t> requeue_running_dedup_jobs(store::Connection& db) {
  auto updated = db.execute("UPDATE dedup_jobs SET status = 'queued' WHERE status = 'running'");
  if (!updated) return std::unexpected(updated.error());
  return updated->rows_affected;
}

Result<std::optional<DedupJob>> claim_next_dedup_job(store::Connection& db, std::int64_t now_ms) {
  auto jobs = jobs_from(db.execute(
      fmt::format("SELECT {} FROM dedup_jobs WHERE status = 'queued' ORDER BY id LIMIT 1", kJobColumns)));
  if (!jobs) return std::unexpected(jobs.error());
  if (jobs->empty()) return std::optional<DedupJob>{};
  DedupJob job = std::move(jobs->front());
  auto updated = db.execute(
      "UPDATE dedup_jobs SET status = 'running', attempts = attempts + 1, started_at_ms = $2 "
      "WHERE id = $1 AND status = 'queued'",
      {job.id, now_ms});
  if (!updated) return std::unexpected(updated.error());
  if (updated->rows_affected != 1) {
    return make_error(ErrorCode::kAborted, fmt::format("dedup job {} was taken by another worker", job.id));
  }
  job.status = DedupJobStatus::kRunning;
  job.attempts += 1;
  job.started_at_ms = now_ms;
  return std::optional<DedupJob>{std::move(job)};
}

Status finish_dedup_job(store::Connection& db, std::int64_t job_id, DedupResult result, int candidates,
                        double best_score, std::int64_t now_ms) {
  if (result == DedupResult::kNone) return invalid_argument("dedup: a finished job needs a result");
  return expect_one_running(
      db.execute("UPDATE dedup_jobs SET status = 'done', result = $2, candidates = $3, best_score = $4, "
                 "finished_at_ms = $5, error = '' WHERE id = $1 AND status = 'running'",
                 {job_id, std::string(dedup_result_id(result)), std::int64_t{candidates}, best_score, now_ms}),
      job_id);
}

Status fail_dedup_job(store::Connection& db, std::int64_t job_id, std::string_view error, std::int64_t now_ms) {
  return expect_one_running(
      db.execute("UPDATE dedup_jobs SET status = 'failed', error = $2, finished_at_ms = $3 "
                 "WHERE id = $1 AND status = 'running'",
                 {job_id, clipped(error), now_ms}),
      job_id);
}

Status release_dedup_job(store::Connection& db, std::int64_t job_id, std::string_view error) {
  return expect_one_running(
      db.execute("UPDATE dedup_jobs SET status = 'queued', error = $2 WHERE id = $1 AND status = 'running'",
                 {job_id, clipped(error)}),
      job_id);
}

Status retry_failed_dedup_job(store::Connection& db, std::int64_t job_id) {
  auto updated = db.execute(
      "UPDATE dedup_jobs SET status = 'queued', attempts = 0, finished_at_ms = 0 WHERE id = $1 AND status = 'failed'",
      {job_id});
  if (!updated) return std::unexpected(updated.error());
  if (updated->rows_affected != 1) return failed_precondition(fmt::format("dedup job {} has not failed", job_id));
  return {};
}

}  // namespace ektp::abis
