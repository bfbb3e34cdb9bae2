// Runs agencies' bulk-matching jobs in the background, one at a time, from the database's queue
// (bulk_job_store.h): a job a stopped or killed server left running is taken up first, from its
// last checkpoint, then the oldest queued one. While a job runs, its progress (rows done, rows
// per second, time left) is kept in memory for the API; the database has it per chunk.
// An interrupted job (stop(), or a database or disk that is unavailable) stays running and is
// taken up again; any other error fails the job with its reason. Thread-safety: all public
// members may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bulk_matching/bulk_job_files.h"
#include "bulk_matching/bulk_match_job.h"
#include "core/region.h"
#include "store/database.h"

namespace ektp::bulk {

struct BulkJobProgress {
  std::string job_id;
  JobPhase phase = JobPhase::kLoadingRegister;
  std::size_t persons_read = 0;
  std::uint64_t rows_done = 0;  // all rows with a result, including those before a resume
  std::uint64_t bytes_read = 0;
  std::uint64_t size_bytes = 0;
  double seconds = 0;           // since this run of the job started
  double rows_per_second = 0;   // in this run
  std::optional<double> seconds_left;  // from the share of the file read; none while loading
};

struct BulkJobWorkerOptions {
  std::size_t threads = 2;
  std::chrono::milliseconds poll_interval{5000};  // the queue is looked at this often besides wake()
  std::chrono::milliseconds retry_after{10000};   // after an unavailable database or disk
};

class BulkJobWorker {
 public:
  using Clock = std::function<std::int64_t()>;  // wall-clock milliseconds
  using JobEnded = std::function<void(const std::string& id, const Status& outcome)>;

  BulkJobWorker(store::Database& db, const RegionDirectory& regions, const BulkJobFiles& files, Clock clock,
                BulkJobWorkerOptions options = {});
  ~BulkJobWorker();
  BulkJobWorker(const BulkJobWorker&) = delete;
  BulkJobWorker& operator=(const BulkJobWorker&) = delete;

  // Starts the thread; `ended` (optional) hears each job that finished, failed or stopped.
  void start(JobEnded ended = {});
  void wake();  // a job was queued
  // The running job stops after its chunk (it resumes at the next start); waits for the thread.
  void stop();
  // The running job's progress; nullopt when `job_id` is not running here.
  std::optional<BulkJobProgress> progress(const std::string& job_id) const;

  // Runs job `id` now on the calling thread (the worker's loop, and tests). Returns the job's
  // outcome: ok when done, bulk_job_interrupted when stopped, else the error that failed it.
  Status run_job(const std::string& id);

 private:
  void loop();

  store::Database& db_;
  const RegionDirectory& regions_;
  const BulkJobFiles& files_;
  Clock clock_;
  BulkJobWorkerOptions options_;
  JobEnded ended_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  std::optional<BulkJobProgress> progress_;
  std::thread thread_;
};

}  // namespace ektp::bulk
