#include "bulk_matching/bulk_job_worker.h"

#include <fstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bulk_matching/bulk_job_store.h"
#include "core/civil_date.h"

namespace ektp::bulk {

namespace {

bool is_interruption(const Error& error) {
  return error.reason == "bulk_job_interrupted" || (error.code == ErrorCode::kUnavailable && error.reason.empty()) ||
         error.code == ErrorCode::kAborted;
}

}  // namespace

BulkJobWorker::BulkJobWorker(store::Database& db, const RegionDirectory& regions, const BulkJobFiles& files,
                             Clock clock, BulkJobWorkerOptions options)
    : db_(db), regions_(regions), files_(files), clock_(std::move(clock)), options_(options) {}

BulkJobWorker::~BulkJobWorker() { stop(); }

void BulkJobWorker::start(JobEnded ended) {
  ended_ = std::move(ended);
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void BulkJobWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void BulkJobWorker::stop() {
  stop_ = true;
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::optional<BulkJobProgress> BulkJobWorker::progress(const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  if (!progress_ || progress_->job_id != job_id) return std::nullopt;
  return progress_;
}

void BulkJobWorker::loop() {
  while (!stop_) {
    auto next = store::with_read_transaction<std::optional<std::string>>(
        db_, [](store::Connection& c) { return next_runnable_bulk_job(c); });
    bool retry_later = !next;
    if (next && *next) {
      const Status outcome = run_job(**next);
      if (ended_) ended_(**next, outcome);
      if (!outcome && is_interruption(outcome.error())) retry_later = true;
      if (!retry_later) continue;  // look for the next job at once
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, retry_later ? options_.retry_after : options_.poll_interval,
                   [this] { return woken_ || stop_.load(); });
    woken_ = false;
  }
}

Status BulkJobWorker::run_job(const std::string& id) {
  const std::int64_t now = clock_();
  auto job = store::with_write_transaction<BulkJob>(db_, [&](store::Connection& c) -> Result<BulkJob> {
    EKTP_RETURN_IF_ERROR(start_bulk_job(c, id, now));
    return load_bulk_job_by_id(c, id);
  });
  if (!job) return std::unexpected(job.error());
  const bool resumed = job->checkpoint.rows_done > 0 || job->resumed > 0;
  spdlog::info("bulk job {} of agency {}: {} ({} rows done before)", id, job->agency_code,
               resumed ? "resumed" : "started", job->checkpoint.rows_done);
  const auto record = [this, id](store::Connection& c, const BulkMatchCheckpoint& checkpoint, std::uint64_t bytes) {
    return record_bulk_checkpoint(c, id, checkpoint, bytes, clock_());
  };
  auto fail = [&](const Error& error) -> Status {
    if (is_interruption(error)) {
      spdlog::warn("bulk job {}: interrupted ({}); it resumes from its last checkpoint", id, error.message);
      return std::unexpected(error);
    }
    spdlog::warn("bulk job {}: failed: {} {}", id, error.reason, error.message);
    auto failed = store::with_write_transaction<void>(db_, [&](store::Connection& c) {
      return fail_bulk_job(c, id, error.reason.empty() ? error_code_name(error.code) : error.reason, error.message,
                           clock_());
    });
    if (!failed) spdlog::error("bulk job {}: recording the failure: {}", id, failed.error().message);
    return std::unexpected(error);
  };
  auto sink = ResultFile::open(files_.result_path(id), job->result_bytes, record, &stop_);
  if (!sink) return fail(sink.error());
  std::ifstream input(files_.input_path(id), std::ios::binary);
  if (!input) return fail(Error{ErrorCode::kDataLoss, fmt::format("job {}: its uploaded file is missing", id)});

  BulkMatchRequest request{job->agency_code, job->purpose, id, "key " + job->key_id, job->result_format,
                           options_.threads, now, job->checkpoint};
  const CivilDate today = jakarta_date_of(std::chrono::system_clock::time_point(std::chrono::milliseconds(now)));
  const std::uint64_t rows_before = job->checkpoint.rows_done;
  const std::uint64_t size_bytes = job->size_bytes;
  {
    std::lock_guard lock(mutex_);
    progress_.emplace();
    progress_->job_id = id;
    progress_->rows_done = rows_before;
    progress_->size_bytes = size_bytes;
  }
  auto summary = run_bulk_match(db_, regions_, today, istream_source(input), **sink, request,
                                [&](const BulkMatchProgress& p) {
                                  BulkJobProgress out;
                                  out.job_id = id;
                                  out.phase = p.phase;
                                  out.persons_read = p.persons_read;
                                  out.rows_done = p.rows_done;
                                  out.bytes_read = p.bytes_read;
                                  out.size_bytes = size_bytes;
                                  out.seconds = p.seconds;
                                  if (p.phase == JobPhase::kMatching && p.seconds > 0) {
                                    out.rows_per_second = static_cast<double>(p.rows_done - rows_before) / p.seconds;
                                    const double share = size_bytes == 0 ? 1.0
                                                                         : static_cast<double>(p.bytes_read) /
                                                                               static_cast<double>(size_bytes);
                                    if (share > 0) out.seconds_left = std::max(0.0, p.seconds * (1 - share) / share);
                                  }
                                  std::lock_guard lock(mutex_);
                                  progress_ = out;
                                });
  {
    std::lock_guard lock(mutex_);
    progress_.reset();
  }
  if (!summary) return fail(summary.error());
  const std::string json = summary_json(*summary);
  auto finished = store::with_write_transaction<void>(
      db_, [&](store::Connection& c) { return finish_bulk_job(c, id, json, (*sink)->size(), clock_()); });
  if (!finished) return fail(finished.error());
  spdlog::info("bulk job {}: done, {} rows, match rate {:.3f}", id, summary->rows, summary->match_rate());
  return {};
}

}  // namespace ektp::bulk
