#include "abis/dedup_service.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "abis/enrollment_search.h"
#include "core/parallel_for.h"
#include "access/audit_log.h"

namespace ektp::abis {

namespace {

namespace reg = ektp::registry;
using store::Connection;

constexpr std::string_view kClearedStatuses = "('siap_cetak', 'dicetak', 'diambil')";
constexpr std::size_t kLoadPageEnrollments = 500;
constexpr std::string_view kSystemActor = "abis";
constexpr std::string_view kNoHitTimelineDetail = "Tidak ditemukan data ganda; KTP-el siap dicetak";
constexpr std::string_view kHitTimelineDetail =
    "Sidik jari mirip dengan data penduduk lain; diperiksa dua petugas adjudikasi";

bool is_transient(ErrorCode code) { return code == ErrorCode::kUnavailable || code == ErrorCode::kAborted; }

struct LoadPage {
  std::vector<reg::Enrollment> enrollments;  // ids, NIKs and finger templates only
};

}  // namespace

DedupService::DedupService(store::Database& db, DedupOptions options) : db_(db), options_(std::move(options)) {}

DedupService::~DedupService() { stop(); }

Result<std::unique_ptr<DedupService>> DedupService::open(store::Database& db, DedupOptions options,
                                                         const GalleryLoadCallback& progress) {
  if (!std::isfinite(options.decision_threshold) || options.decision_threshold <= 0) {
    return invalid_argument("dedup: the decision threshold must be a positive number");
  }
  if (options.cases_max == 0 || options.cases_max >= parameters::search_candidates_max) {
    return invalid_argument(fmt::format("dedup: cases_max must be 1..{}", parameters::search_candidates_max - 1));
  }
  if (options.poll_interval.count() <= 0) return invalid_argument("dedup: the poll interval must be positive");
  std::unique_ptr<DedupService> service(new DedupService(db, std::move(options)));
  auto requeued = store::with_write_transaction<std::int64_t>(
      db, [](Connection& c) { return requeue_running_dedup_jobs(c); });
  if (!requeued) return std::unexpected(requeued.error());
  if (auto loaded = service->load_gallery(progress); !loaded) return std::unexpected(loaded.error());
  return service;
}

std::int64_t DedupService::now_ms() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status DedupService::load_gallery(const GalleryLoadCallback& progress) {
  auto total = store::with_read_transaction<std::int64_t>(db_, [](Connection& c) -> Result<std::int64_t> {
    auto rows = c.execute(fmt::format("SELECT COUNT(*) FROM enrollments WHERE status IN {}", kClearedStatuses));
    if (!rows) return std::unexpected(rows.error());
    return rows->rows.empty() ? 0 : rows->rows[0].integer(0);
  });
  if (!total) return std::unexpected(total.error());
  const std::size_t thread_count = options_.search_threads > 0
                                       ? static_cast<std::size_t>(options_.search_threads)
                                       : hardware_threads();
  GalleryLoadProgress p;
  p.enrollments_total = static_cast<std::size_t>(*total);
  if (progress) progress(p);
  std::string after;  // enrollment ids are never empty
  for (;;) {
    auto page = store::with_read_transaction<LoadPage>(db_, [&](Connection& c) -> Result<LoadPage> {
      auto ids = c.execute(fmt::format("SELECT enrollment_id, nik FROM enrollments WHERE status IN {} AND "
                                       "enrollment_id > $1 ORDER BY enrollment_id LIMIT {}",
                                       kClearedStatuses, kLoadPageEnrollments),
                           {after});
      if (!ids) return std::unexpected(ids.error());
      LoadPage out;
      if (ids->rows.empty()) return out;
      std::unordered_map<std::string, std::size_t> index;
      for (const auto& row : ids->rows) {
        reg::Enrollment e;
        e.enrollment_id = row.text(0);
        e.nik = row.text(1);
        index.emplace(e.enrollment_id, out.enrollments.size());
        out.enrollments.push_back(std::move(e));
      }
      auto fingers = c.execute(
          "SELECT enrollment_id, position, template FROM enrollment_fingers WHERE enrollment_id >= $1 AND "
          "enrollment_id <= $2 AND template IS NOT NULL ORDER BY enrollment_id, position",
          {out.enrollments.front().enrollment_id, out.enrollments.back().enrollment_id});
      if (!fingers) return std::unexpected(fingers.error());
      for (const auto& row : fingers->rows) {
        const auto it = index.find(row.text(0));
        if (it == index.end()) continue;  // an enrollment in the id range that has not passed dedup
        reg::FingerCapture f;
        f.position = static_cast<int>(row.integer(1));
        f.template_bytes = row.blob(2);
        out.enrollments[it->second].fingers.push_back(std::move(f));
      }
      return out;
    });
    if (!page) return std::unexpected(page.error());
    if (page->enrollments.empty()) break;
    after = page->enrollments.back().enrollment_id;
    // Decoding and the first-stage histograms are most of the cost: prepared on every thread.
    const std::size_t n = page->enrollments.size();
    std::vector<Result<PreparedEnrollment>> prepared(n, PreparedEnrollment{});
    parallel_for(n, thread_count, [&](std::size_t k) { prepared[k] = prepare_for_gallery(page->enrollments[k]); });
    {
      std::unique_lock lock(gallery_mutex_);
      for (std::size_t k = 0; k < n; ++k) {
        const reg::Enrollment& e = page->enrollments[k];
        ++p.enrollments_done;
        auto added = prepared[k] ? enroll_prepared(gallery_, *prepared[k]) : Result<bool>(std::unexpected(prepared[k].error()));
        if (!added) {
          ++p.enrollments_skipped;
          p.last_problem = added.error().message;
          continue;
        }
        if (!*added) {
          ++p.enrollments_skipped;
          continue;
        }
        enrollment_of_.emplace(*person_id_of_nik(e.nik), e.enrollment_id);
      }
      p.persons = gallery_.person_count();
      p.fingers = gallery_.finger_count();
    }
    if (progress) progress(p);
  }
  {
    std::unique_lock lock(gallery_mutex_);
    gallery_.recenter();  // the first stage's mean, from everyone loaded
  }
  load_summary_ = p;
  return {};
}

Result<ProcessSummary> DedupService::process_pending() {
  ProcessSummary summary;
  for (;;) {
    {
      std::lock_guard lock(worker_mutex_);
      if (stopping_) break;
    }
    std::lock_guard jobs(jobs_mutex_);
    for (auto it = left_running_.begin(); it != left_running_.end();) {
      const std::int64_t id = *it;
      auto released = store::with_write_transaction<bool>(db_, [&](Connection& c) -> Result<bool> {
        auto r = release_dedup_job(c, id, "released after a database error");
        if (!r && r.error().code != ErrorCode::kFailedPrecondition) return std::unexpected(r.error());
        return true;
      });
      if (!released) return std::unexpected(released.error());
      it = left_running_.erase(it);
    }
    const std::int64_t at = now_ms();
    auto job = store::with_write_transaction<std::optional<DedupJob>>(
        db_, [&](Connection& c) { return claim_next_dedup_job(c, at); });
    if (!job) return std::unexpected(job.error());
    if (!*job) break;
    if (auto done = process_job(**job, summary); !done) return std::unexpected(done.error());
  }
  return summary;
}

Status DedupService::record_failure(const DedupJob& job, const Error& error, ProcessSummary& summary) {
  const bool retry = is_transient(error.code) && job.attempts < parameters::dedup_job_attempts_max;
  const std::int64_t at = now_ms();
  auto recorded = store::with_write_transaction<bool>(db_, [&](Connection& c) -> Result<bool> {
    Status s = retry ? release_dedup_job(c, job.id, error.message) : fail_dedup_job(c, job.id, error.message, at);
    // Not running any more: someone else changed the job; nothing left to record.
    if (!s && s.error().code != ErrorCode::kFailedPrecondition) return std::unexpected(s.error());
    return true;
  });
  if (!recorded) {
    left_running_.insert(job.id);
    return std::unexpected(recorded.error());
  }
  ++(retry ? summary.requeued : summary.failed);
  return {};
}

Result<std::vector<DedupCandidate>> DedupService::search_locked(const SearchProbe& probe, PersonId self) const {
  auto found = find_candidates(gallery_, probe,
                               {.threshold = options_.decision_threshold, .candidates_max = options_.cases_max,
                                .exclude = self, .threads = options_.search_threads});
  if (!found) return std::unexpected(found.error());
  std::vector<DedupCandidate> out;
  for (auto& c : *found) {
    const auto it = enrollment_of_.find(c.person);
    out.push_back({nik_of_person(c.person), it == enrollment_of_.end() ? std::string() : it->second, c.score,
                   c.fingers_compared, std::move(c.finger_scores)});
  }
  return out;
}

Result<std::vector<DedupCandidate>> DedupService::search(const reg::Enrollment& enrollment) const {
  auto self = person_id_of_nik(enrollment.nik);
  if (!self) return std::unexpected(self.error());
  auto probe = search_probe_of(enrollment);
  if (!probe) return std::unexpected(probe.error());
  std::shared_lock lock(gallery_mutex_);
  return search_locked(*probe, *self);
}

Status DedupService::process_job(const DedupJob& job, ProcessSummary& summary) {
  auto enrollment = store::with_read_transaction<reg::Enrollment>(
      db_, [&](Connection& c) { return reg::load_enrollment(c, job.enrollment_id, false); });
  if (!enrollment) return record_failure(job, enrollment.error(), summary);
  auto self = person_id_of_nik(enrollment->nik);
  if (!self) return record_failure(job, self.error(), summary);
  auto probe = search_probe_of(*enrollment);
  if (!probe) return record_failure(job, probe.error(), summary);
  Result<std::vector<DedupCandidate>> candidates;
  {
    std::shared_lock lock(gallery_mutex_);
    candidates = search_locked(*probe, *self);
  }
  if (!candidates) return record_failure(job, candidates.error(), summary);

  const std::int64_t at = now_ms();
  auto cleared = store::with_write_transaction<bool>(db_, [&](Connection& c) -> Result<bool> {
    const access::AuditEntry base{at, std::string(kSystemActor), "", enrollment->nik, ""};
    if (candidates->empty()) {
      if (auto s = finish_dedup_job(c, job.id, DedupResult::kNoHit, 0, 0, at); !s) return std::unexpected(s.error());
      if (auto s = reg::set_enrollment_status(c, job.enrollment_id, reg::EnrollmentStatus::kReadyToPrint, at,
                                              kNoHitTimelineDetail);
          !s) {
        return std::unexpected(s.error());
      }
      access::AuditEntry entry = base;
      entry.action = "dedup.no_hit";
      entry.detail = fmt::format("job {}: enrollment {}: no duplicate found", job.id, job.enrollment_id);
      if (auto s = access::append_audit(c, entry); !s) return std::unexpected(s.error());
      return true;
    }
    std::vector<std::int64_t> case_ids;
    for (std::size_t i = 0; i < candidates->size(); ++i) {
      const DedupCandidate& k = (*candidates)[i];
      auto id = open_adjudication_case(c,
                                       {job.id, job.enrollment_id, enrollment->nik, k.nik, k.enrollment_id,
                                        static_cast<int>(i + 1), k.score, k.finger_scores},
                                       at);
      if (!id) return std::unexpected(id.error());
      case_ids.push_back(*id);
    }
    const float best = candidates->front().score;
    if (auto s = finish_dedup_job(c, job.id, DedupResult::kHit, static_cast<int>(candidates->size()), best, at); !s) {
      return std::unexpected(s.error());
    }
    if (auto s = reg::set_enrollment_status(c, job.enrollment_id, reg::EnrollmentStatus::kAdjudication, at,
                                            kHitTimelineDetail);
        !s) {
      return std::unexpected(s.error());
    }
    access::AuditEntry entry = base;
    entry.action = "dedup.hit";
    entry.detail = fmt::format("job {}: enrollment {}: {} candidate(s), best score {:.3f}; cases {}", job.id,
                               job.enrollment_id, candidates->size(), best, fmt::join(case_ids, ", "));
    if (auto s = access::append_audit(c, entry); !s) return std::unexpected(s.error());
    return false;
  });
  if (!cleared) return record_failure(job, cleared.error(), summary);
  if (!*cleared) {
    ++summary.hit;
    return {};
  }
  ++summary.no_hit;
  std::unique_lock lock(gallery_mutex_);
  auto added = enroll_in_gallery(gallery_, *enrollment);  // decoded once already: cannot fail on content
  if (added && *added) enrollment_of_.emplace(*self, job.enrollment_id);
  return {};
}

Status DedupService::add_to_gallery(const std::string& enrollment_id) {
  auto enrollment = store::with_read_transaction<reg::Enrollment>(
      db_, [&](Connection& c) { return reg::load_enrollment(c, enrollment_id, false); });
  if (!enrollment) return std::unexpected(enrollment.error());
  std::unique_lock lock(gallery_mutex_);
  auto added = enroll_in_gallery(gallery_, *enrollment);
  if (!added) return std::unexpected(added.error());
  if (*added) enrollment_of_.emplace(*person_id_of_nik(enrollment->nik), enrollment_id);
  return {};
}

Result<AdjudicationCase> DedupService::propose_decision(std::int64_t case_id, const reg::Actor& adjudicator,
                                                        Decision decision, std::string_view reason) {
  const std::int64_t at = now_ms();
  return store::with_write_transaction<AdjudicationCase>(db_, [&](Connection& c) {
    return abis::propose_decision(c, case_id, adjudicator, decision, reason, at);
  });
}

Result<ConfirmOutcome> DedupService::confirm_decision(std::int64_t case_id, const reg::Actor& second_adjudicator,
                                                      bool agree, std::string_view reason) {
  // Held across the commit and the gallery change so that no job searches in between.
  std::lock_guard jobs(jobs_mutex_);
  const std::int64_t at = now_ms();
  auto outcome = store::with_write_transaction<ConfirmOutcome>(db_, [&](Connection& c) {
    return abis::confirm_decision(c, case_id, second_adjudicator, agree, reason, at);
  });
  if (!outcome || !outcome->enter_gallery) return outcome;
  // The decision is committed; if the fingers cannot be read now, the next open() loads them.
  (void)add_to_gallery(outcome->record.enrollment_id);
  return outcome;
}

std::size_t DedupService::gallery_persons() const {
  std::shared_lock lock(gallery_mutex_);
  return gallery_.person_count();
}

bool DedupService::in_gallery(std::string_view nik) const {
  auto person = person_id_of_nik(nik);
  if (!person) return false;
  std::shared_lock lock(gallery_mutex_);
  return gallery_.person_index(*person).has_value();
}

void DedupService::start() {
  std::lock_guard lock(worker_mutex_);
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] { run(); });
}

void DedupService::stop() {
  {
    std::lock_guard lock(worker_mutex_);
    if (!worker_.joinable()) return;
    stopping_ = true;
  }
  worker_wake_.notify_all();
  worker_.join();
  std::lock_guard lock(worker_mutex_);
  stopping_ = false;
}

void DedupService::wake() {
  {
    std::lock_guard lock(worker_mutex_);
    woken_ = true;
  }
  worker_wake_.notify_all();
}

Status DedupService::last_worker_status() const {
  std::lock_guard lock(worker_mutex_);
  return last_worker_status_;
}

void DedupService::run() {
  for (;;) {
    auto processed = process_pending();
    std::unique_lock lock(worker_mutex_);
    last_worker_status_ = processed ? Status{} : Status(std::unexpected(processed.error()));
    worker_wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) return;
  }
}

}  // namespace ektp::abis
