// Keeps an audit anchor up to date: every `interval`, and once more when it stops, signs a
// checkpoint of the chain's head if the chain has grown. A chain that no longer matches the
// newest checkpoint is never signed; that is logged as an error at every round.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "access/audit_anchor.h"

namespace ektp::access {

class AuditAnchorer {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  AuditAnchorer(store::Database& db, AuditAnchor anchor, std::chrono::milliseconds interval, Clock clock);
  ~AuditAnchorer();  // signs a last checkpoint
  AuditAnchorer(const AuditAnchorer&) = delete;
  AuditAnchorer& operator=(const AuditAnchorer&) = delete;

  const AuditAnchor& anchor() const { return anchor_; }
  // One round now (tests, shutdown): the checkpoint signed, or nullopt when nothing was new.
  Result<std::optional<AuditCheckpoint>> checkpoint_now();

 private:
  void run();
  store::Database& db_;
  const AuditAnchor anchor_;
  const std::chrono::milliseconds interval_;
  const Clock clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ektp::access
