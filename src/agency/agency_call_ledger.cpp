#include "agency/agency_call_ledger.h"

#include <future>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "agency/call_burst_watch.h"
#include "agency/harvest_watch.h"

namespace ektp::agency {

namespace {

constexpr std::int64_t kPruneEveryMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;

// Suspends the key for `signal` and raises the admin's alert, in the call's transaction.
Status suspend_for(store::Connection& db, const AgencyCallRecord& call, const std::string& signal) {
  const std::string reason = signal.substr(0, kSuspendReasonBytesMax);
  auto suspended = suspend_api_key_within(db, call.key_id, reason, {"system", call.at_ms});
  // A key revoked since this call authenticated needs no suspending; the alert still stands.
  if (!suspended && suspended.error().code != ErrorCode::kFailedPrecondition) return suspended;
  spdlog::warn("agency {}: key {} suspended: {} (alert.agency_harvest)", call.agency_code, call.key_id, signal);
  return access::append_audit(db, {call.at_ms, "system", "alert.agency_harvest", call.agency_code,
                                   fmt::format("key {} suspended: {}", call.key_id, signal)});
}

}  // namespace

Result<AgencyCallOutcome> record_agency_call(store::Connection& db, const AgencyCallRecord& call, bool watch_harvest) {
  AgencyCallOutcome outcome;
  EKTP_ASSIGN_OR_RETURN(outcome.use, count_call(db, call.agency_code, call.at_ms, call.daily_quota));
  EKTP_RETURN_IF_ERROR(access::append_audit(db, call.audit));
  EKTP_RETURN_IF_ERROR(record_lookup(db, call.key_id, call.nik, call.found, call.at_ms));
  EKTP_ASSIGN_OR_RETURN(const std::int64_t in_bucket, count_call_bucket(db, call.agency_code, call.at_ms));
  std::optional<std::string> signal;
  if (watch_harvest) {
    EKTP_ASSIGN_OR_RETURN(signal, harvest_signal(db, call.key_id));
  }
  if (!signal) {
    EKTP_ASSIGN_OR_RETURN(signal, off_hours_burst(db, call.agency_code, call.at_ms, in_bucket));
  }
  if (signal) {
    EKTP_RETURN_IF_ERROR(suspend_for(db, call, *signal));
    outcome.suspended_for = std::move(signal);
  }
  return outcome;
}

Status prune_agency_call_history(store::Connection& db, std::int64_t now_ms) {
  auto pruned = db.execute("DELETE FROM agency_lookups WHERE at_ms < $1", {now_ms - kLookupKeepDays * kDayMs});
  if (!pruned) return std::unexpected(pruned.error());
  return prune_call_buckets(db, now_ms);
}

AgencyCallLedger::AgencyCallLedger(store::Database& db) : db_(db), thread_([this] { run(); }) {}

AgencyCallLedger::~AgencyCallLedger() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AgencyCallLedger::record_then(AgencyCallRecord call, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < kLedgerQueueMax) {
      queue_.push_back({std::move(call), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(make_error(ErrorCode::kUnavailable, "too many agency calls waiting to be recorded; try again shortly"));
}

Result<AgencyCallOutcome> AgencyCallLedger::record(AgencyCallRecord call) {
  std::promise<Result<AgencyCallOutcome>> promise;
  auto future = promise.get_future();
  record_then(std::move(call), [&promise](Result<AgencyCallOutcome> outcome) { promise.set_value(std::move(outcome)); });
  return future.get();
}

std::uint64_t AgencyCallLedger::groups_committed() const {
  std::lock_guard lock(mutex_);
  return groups_;
}

void AgencyCallLedger::run() {
  for (;;) {
    std::deque<Pending> group;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything written
      while (!queue_.empty() && group.size() < kLedgerBatchMax) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    write_group(group);
  }
}

void AgencyCallLedger::write_group(std::deque<Pending>& group) {
  std::vector<Result<AgencyCallOutcome>> outcomes;
  const std::int64_t now = group.back().call.at_ms;
  const bool prune = now - pruned_at_ms_ >= kPruneEveryMs;
  std::unordered_map<std::string, std::size_t> last_of_key;  // key id → its last call in the group
  for (std::size_t i = 0; i < group.size(); ++i) last_of_key[group[i].call.key_id] = i;
  auto written = store::with_write_transaction<void>(db_, [&](store::Connection& db) -> Status {
    outcomes.clear();  // a retried transaction starts again
    for (std::size_t i = 0; i < group.size(); ++i) {
      const auto& pending = group[i];
      auto outcome = record_agency_call(db, pending.call, last_of_key.at(pending.call.key_id) == i);
      if (!outcome && outcome.error().reason != agency_reason::kQuotaExceeded) return std::unexpected(outcome.error());
      outcomes.push_back(std::move(outcome));
    }
    if (prune) EKTP_RETURN_IF_ERROR(prune_agency_call_history(db, now));
    return {};
  });
  if (written && prune) pruned_at_ms_ = now;
  if (!written) spdlog::warn("agency calls: a group of {} not recorded: {}", group.size(), written.error().message);
  {
    std::lock_guard lock(mutex_);
    if (written) ++groups_;
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    group[i].done(written ? std::move(outcomes[i]) : Result<AgencyCallOutcome>(std::unexpected(written.error())));
  }
}

}  // namespace ektp::agency
