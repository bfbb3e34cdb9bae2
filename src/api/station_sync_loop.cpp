#include "api/station_sync_loop.h"

#include <spdlog/spdlog.h>

#include "api/central_client.h"
#include "sync/operator_enrolment.h"
#include "sync/outbox.h"
#include "sync/serial_leases.h"
#include "sync/station_provisioning.h"
#include "sync/uploader.h"

namespace ektp::api {

namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

StationSyncLoop::StationSyncLoop(store::Database& db, sync::StationIdentity identity,
                                 std::chrono::milliseconds pull_every)
    : db_(db), identity_(std::move(identity)), pull_every_(pull_every) {}

StationSyncLoop::~StationSyncLoop() { stop(); }

void StationSyncLoop::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void StationSyncLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StationSyncLoop::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

StationLinkState StationSyncLoop::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool StationSyncLoop::round() {
  CentralClient client(db_, identity_);
  auto fail = [&](const Error& error) {
    std::lock_guard lock(mutex_);
    if (state_.online || state_.last_error != error.message) spdlog::warn("sync with central: {}", error.message);
    state_.online = false;
    state_.last_error = error.message;
    return false;
  };
  // Leases: renew when a kind runs low or is about to expire.
  {
    auto conn = db_.connect();
    if (!conn) return fail(conn.error());
    const std::int64_t soon = wall_ms() + 7LL * 24 * 3600 * 1000;
    auto nik_left = sync::leased_serials_left(**conn, "nik", soon);
    auto kk_left = sync::leased_serials_left(**conn, "kk", soon);
    if (nik_left && kk_left && (*nik_left == 0 || *kk_left == 0)) {
      auto leases = client.renew_leases();
      if (!leases) return fail(leases.error());
      if (auto s = sync::store_station_leases(db_, *leases, wall_ms()); !s) return fail(s.error());
      spdlog::info("renewed {} serial lease(s)", leases->size());
    }
  }
  sync::Uploader uploader(db_, identity_, client);
  for (;;) {
    auto sent = uploader.upload_once();
    if (!sent) return fail(sent.error());
    if (sent->sent > 0) spdlog::info("sent {} item(s), {} receipt(s), {} pending", sent->sent, sent->receipts,
                                     sent->pending_after);
    if (sent->sent == 0 || sent->pending_after == 0) break;
    std::lock_guard lock(mutex_);
    if (stopping_) return true;
  }
  bool pull_due = false;
  {
    std::lock_guard lock(mutex_);
    pull_due = wall_ms() - state_.last_pull_ms >= pull_every_.count();
  }
  if (pull_due) {
    auto pulled = pull_working_copy(db_, client);
    if (!pulled) return fail(pulled.error());
    if (*pulled > 0) spdlog::info("working copy: {} row(s) from central", *pulled);
    // Operators deactivated, removed or given another role at central lose their sessions here.
    auto roster = client.operator_roster();
    if (!roster) return fail(roster.error());
    auto changed = sync::apply_operator_roster(db_, *roster, wall_ms());
    if (!changed) return fail(changed.error());
    if (*changed > 0) spdlog::info("operators: {} account(s) changed by central", *changed);
    std::lock_guard lock(mutex_);
    state_.last_pull_ms = wall_ms();
  }
  std::lock_guard lock(mutex_);
  state_.online = true;
  state_.last_error.clear();
  state_.last_contact_ms = wall_ms();
  return true;
}

void StationSyncLoop::run() {
  std::chrono::milliseconds backoff(1000);
  for (;;) {
    bool ok = round();
    std::chrono::milliseconds wait = ok ? std::chrono::milliseconds(2000) : backoff;
    backoff = ok ? std::chrono::milliseconds(1000) : std::min(backoff * 2, std::chrono::milliseconds(60'000));
    std::unique_lock lock(mutex_);
    state_.next_try_ms = wall_ms() + wait.count();
    cv_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    if (woken_) backoff = std::chrono::milliseconds(1000);
    woken_ = false;
  }
}

}  // namespace ektp::api
