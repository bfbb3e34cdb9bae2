#include "access/audit_anchorer.h"

#include <spdlog/spdlog.h>

namespace ektp::access {

AuditAnchorer::AuditAnchorer(store::Database& db, AuditAnchor anchor, std::chrono::milliseconds interval,
                             Clock clock)
    : db_(db), anchor_(std::move(anchor)), interval_(interval), clock_(std::move(clock)), thread_([this] { run(); }) {}

AuditAnchorer::~AuditAnchorer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (auto last = checkpoint_now(); !last) spdlog::error("audit anchor: last checkpoint failed: {}", last.error().message);
}

Result<std::optional<AuditCheckpoint>> AuditAnchorer::checkpoint_now() {
  const auto at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_().time_since_epoch()).count();
  return checkpoint_audit_chain(db_, anchor_, at_ms);
}

void AuditAnchorer::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    auto signed_now = checkpoint_now();
    if (!signed_now) {
      spdlog::error("audit anchor {}: not signing: {}", anchor_.dir().string(), signed_now.error().message);
    } else if (*signed_now) {
      spdlog::debug("audit anchor: checkpoint at entry {}", (*signed_now)->seq);
    }
    lock.lock();
  }
}

}  // namespace ektp::access
