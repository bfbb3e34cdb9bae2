// Deduplication at central: the in-memory gallery of everyone who passed dedup, and the worker
// that takes queued dedup jobs (dedup_jobs.h) in order and searches each new enrollment's ten
// fingers against it.
//
// open() requeues jobs a crash left running and loads the gallery from the database: the finger
// templates of enrollments in siap_cetak, dicetak or diambil (which includes those adjudicated
// distinct), one enrollment per person (NIK as PersonId; a later enrollment of a NIK already
// loaded is left out), reporting progress through a callback. Each job, in one transaction:
//   no candidate at or above the threshold → enrollment siap_cetak, job done (no_hit), and after
//     the commit its fingers enter the gallery;
//   candidates → one adjudication case per candidate (the best dedup_cases_per_enrollment_max),
//     enrollment adjudikasi, job done (hit).
// The person's own NIK is never a candidate. A job whose record cannot be searched (a corrupt
// template, no fingers) fails with the error and the next job goes on; a transient database error
// requeues it, up to parameters::dedup_job_attempts_max attempts. Decisions that clear an
// enrollment (two adjudicators agree: distinct) go through confirm_decision() here so its fingers
// enter this gallery; a decision confirmed by another process reaches the gallery at the next
// open(). One DedupService per registry database (it owns the queue).
//
// Thread-safety: every public member may be called from any thread. Jobs and gallery changes are
// serialised by one mutex; searches share the gallery under a reader lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "abis/abis_parameters.h"
#include "abis/adjudication.h"
#include "abis/dedup_jobs.h"
#include "abis/gallery.h"
#include "abis/search.h"
#include "registry/context.h"
#include "registry/enrollment_store.h"
#include "store/database.h"

namespace ektp::abis {

struct GalleryLoadProgress {
  std::size_t enrollments_total = 0;    // cleared enrollments in the database when loading began
  std::size_t enrollments_done = 0;     // read so far
  std::size_t persons = 0;              // in the gallery
  std::size_t fingers = 0;
  std::size_t enrollments_skipped = 0;  // another enrollment of the same NIK was loaded, or unusable
  std::string last_problem;             // why the last unusable enrollment was skipped
};
using GalleryLoadCallback = std::function<void(const GalleryLoadProgress&)>;

struct DedupOptions {
  float decision_threshold = parameters::dedup_decision_threshold;
  std::size_t cases_max = parameters::dedup_cases_per_enrollment_max;
  int search_threads = 0;                               // 0 = all cores
  std::chrono::milliseconds poll_interval{2000};        // the worker also looks without wake()
  std::function<std::int64_t()> clock;                  // ms since the epoch; system clock if empty
};

struct DedupCandidate {
  std::string nik;
  std::string enrollment_id;  // the enrollment whose fingers are in the gallery
  float score = 0;            // fused score (sum of finger_scores)
  int fingers_compared = 0;
  std::vector<FingerScore> finger_scores;
};

struct ProcessSummary {
  std::size_t no_hit = 0;
  std::size_t hit = 0;
  std::size_t failed = 0;
  std::size_t requeued = 0;  // transient errors; tried again later
};

class DedupService {
 public:
  // kInvalidArgument for bad options; database errors as they come.
  static Result<std::unique_ptr<DedupService>> open(store::Database& db, DedupOptions options = {},
                                                    const GalleryLoadCallback& progress = {});
  ~DedupService();  // stop()
  DedupService(const DedupService&) = delete;
  DedupService& operator=(const DedupService&) = delete;

  // Processes every queued job now, in order, on the calling thread. Errors only when the
  // database cannot be reached (the jobs stay queued).
  Result<ProcessSummary> process_pending();

  // The background worker: processes jobs when woken and every poll_interval. Idempotent.
  void start();
  void stop();
  void wake();
  // The worker's last database error (success when none).
  Status last_worker_status() const;

  // Searches an enrollment against the gallery without recording anything: candidates at or
  // above the threshold, best first, its own NIK left out.
  Result<std::vector<DedupCandidate>> search(const registry::Enrollment& enrollment) const;

  // The two-person rule (adjudication.h), each in its own write transaction; a confirmation that
  // clears the enrollment adds its fingers to the gallery.
  Result<AdjudicationCase> propose_decision(std::int64_t case_id, const registry::Actor& adjudicator,
                                            Decision decision, std::string_view reason);
  Result<ConfirmOutcome> confirm_decision(std::int64_t case_id, const registry::Actor& second_adjudicator,
                                          bool agree, std::string_view reason);

  std::size_t gallery_persons() const;
  bool in_gallery(std::string_view nik) const;
  GalleryLoadProgress load_summary() const { return load_summary_; }

 private:
  DedupService(store::Database& db, DedupOptions options);
  Status load_gallery(const GalleryLoadCallback& progress);
  std::int64_t now_ms() const;
  // One claimed job, start to finish. Errors only when the database cannot be reached.
  Status process_job(const DedupJob& job, ProcessSummary& summary);
  Status record_failure(const DedupJob& job, const Error& error, ProcessSummary& summary);
  Status add_to_gallery(const std::string& enrollment_id);
  Result<std::vector<DedupCandidate>> search_locked(const SearchProbe& probe, PersonId self) const;
  void run();

  store::Database& db_;
  const DedupOptions options_;
  GalleryLoadProgress load_summary_;

  mutable std::shared_mutex gallery_mutex_;  // gallery_ and enrollment_of_
  Gallery gallery_;
  std::unordered_map<PersonId, std::string> enrollment_of_;

  std::mutex jobs_mutex_;                 // one job (or gallery-changing decision) at a time
  std::set<std::int64_t> left_running_;   // jobs this service could not release after an error

  mutable std::mutex worker_mutex_;
  std::condition_variable worker_wake_;
  bool woken_ = false;
  bool stopping_ = false;
  Status last_worker_status_;
  std::thread worker_;
};

}  // namespace ektp::abis
