#include "store/connection_pool.h"

#include <chrono>
#include <string>

#include "core/assert.h"
#include "store/store_limits.h"

namespace ektp::store::detail {

ConnectionPool::ConnectionPool(std::size_t connections_max, Opener opener, Checker reusable)
    : connections_max_(connections_max),
      opener_(std::move(opener)),
      reusable_(std::move(reusable)) {
  EKTP_ASSERT(connections_max_ > 0);
  EKTP_ASSERT(opener_ && reusable_);
}

ConnectionPool::~ConnectionPool() {
  std::lock_guard lock(mutex_);
  EKTP_ASSERT(open_count_ == idle_.size());
}

Result<std::unique_ptr<Connection>> ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(tunables::pool_wait_ms);
  while (idle_.empty() && open_count_ >= connections_max_) {
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_count_ >= connections_max_) {
      return make_error(ErrorCode::kResourceExhausted,
                        "all " + std::to_string(connections_max_) +
                            " database connections stayed in use for " +
                            std::to_string(tunables::pool_wait_ms) + " ms");
    }
  }
  if (!idle_.empty()) {
    std::unique_ptr<Connection> connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  ++open_count_;  // reserve the slot, then open without holding the lock
  lock.unlock();
  Result<std::unique_ptr<Connection>> opened = opener_();
  if (!opened) {
    lock.lock();
    --open_count_;
    returned_.notify_one();
  }
  return opened;
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  EKTP_ASSERT(connection != nullptr);
  bool keep = !connection->in_transaction() && reusable_(*connection);
  if (!keep) connection.reset();  // close outside the lock
  std::lock_guard lock(mutex_);
  EKTP_ASSERT(open_count_ > 0);
  if (keep) {
    idle_.push_back(std::move(connection));
  } else {
    --open_count_;
  }
  returned_.notify_one();
}

void ConnectionPool::adopt(std::unique_ptr<Connection> connection) {
  EKTP_ASSERT(connection != nullptr);
  std::lock_guard lock(mutex_);
  EKTP_ASSERT(open_count_ < connections_max_);
  ++open_count_;
  idle_.push_back(std::move(connection));
}

}  // namespace ektp::store::detail
