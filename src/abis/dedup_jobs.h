// The deduplication job queue at central (table dedup_jobs, migration 4): one job per received
// enrollment, taken in id order by the DedupService worker. A job moves queued → running → done
// (result no_hit or hit) or failed (with the error); a job left running by a crash is queued again
// when the service starts, so jobs survive a restart. Every function works inside the caller's
// transaction on one store::Connection. Thread-safety: plain functions; a Connection is used by
// one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace ektp::abis {

enum class DedupJobStatus { kQueued, kRunning, kDone, kFailed };
enum class DedupResult { kNone, kNoHit, kHit };  // kNone until the job is done

std::string_view dedup_job_status_id(DedupJobStatus status);   // "queued", "running", …
Result<DedupJobStatus> parse_dedup_job_status(std::string_view id);
std::string_view dedup_result_id(DedupResult result);           // "", "no_hit", "hit"

struct DedupJob {
  std::int64_t id = 0;
  std::string enrollment_id;
  std::string nik;
  DedupJobStatus status = DedupJobStatus::kQueued;
  int attempts = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t started_at_ms = 0;
  std::int64_t finished_at_ms = 0;
  DedupResult result = DedupResult::kNone;
  int candidates = 0;        // adjudication cases opened (hit)
  double best_score = 0;     // best fused score above the threshold (hit)
  std::string error;         // why it failed, or the last transient error
};

// Queues the enrollment for deduplication and sets its status to `dedup` (with a timeline entry).
// Called by the sync ingest inside its own transaction when an enrollment arrives. Idempotent per
// enrollment: a second call (a re-sent item) changes nothing. kNotFound for an unknown
// enrollment; kInvalidArgument when `nik` is not the enrollment's NIK.
Status enqueue_dedup_job(store::Connection& db, std::string_view enrollment_id, std::string_view nik,
                         std::int64_t now_ms);

// The job of one enrollment, or nullopt.
Result<std::optional<DedupJob>> dedup_job_of(store::Connection& db, std::string_view enrollment_id);

// Jobs in id order, optionally only one status; at most `limit` (1..10,000).
Result<std::vector<DedupJob>> list_dedup_jobs(store::Connection& db, std::optional<DedupJobStatus> status,
                                              std::size_t limit = 100);

// Crash recovery: jobs left running go back to queued. Returns how many.
Result<std::int64_t> requeue_running_dedup_jobs(store::Connection& db);

// Takes the oldest queued job: running, attempts + 1, started now. nullopt when none is queued.
Result<std::optional<DedupJob>> claim_next_dedup_job(store::Connection& db, std::int64_t now_ms);

// Outcomes of a running job (kFailedPrecondition if it is not running any more).
Status finish_dedup_job(store::Connection& db, std::int64_t job_id, DedupResult result, int candidates,
                        double best_score, std::int64_t now_ms);
Status fail_dedup_job(store::Connection& db, std::int64_t job_id, std::string_view error, std::int64_t now_ms);
// A transient error (database unavailable, lost race): back to queued, keeping the error.
Status release_dedup_job(store::Connection& db, std::int64_t job_id, std::string_view error);

// An operator's retry of a failed job (after the record was fixed). kFailedPrecondition otherwise.
Status retry_failed_dedup_job(store::Connection& db, std::int64_t job_id);

}  // namespace ektp::abis
