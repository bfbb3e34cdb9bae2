// Internal to src/store: a bounded pool of Connections shared by both back ends. Thread-safe.
// A borrower takes an idle connection, or opens a new one while fewer than `connections_max`
// exist, or waits (up to limits::pool_wait_ms) for one to come back.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/database.h"

namespace ektp::store::detail {

class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Connection>>()>;
  // Decides whether a returned connection may be lent again (false: it is closed).
  using Checker = std::function<bool(Connection&)>;

  ConnectionPool(std::size_t connections_max, Opener opener, Checker reusable);
  // Every lent connection must have come back: a PooledConnection may not outlive its Database.
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Errors: whatever opening a connection returns; kResourceExhausted after waiting too long.
  Result<std::unique_ptr<Connection>> acquire();
  void release(std::unique_ptr<Connection> connection);
  // Adds a connection opened by the owner (counts against the maximum).
  void adopt(std::unique_ptr<Connection> connection);

 private:
  const std::size_t connections_max_;
  const Opener opener_;
  const Checker reusable_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mutex_
  std::size_t open_count_ = 0;                     // guarded by mutex_: idle + lent + opening
};

// The part of a Database that both back ends share: lending connections from a ConnectionPool.
// A back end supplies how to open a connection and whether a returned one may be lent again.
class PooledDatabase : public Database {
 public:
  Result<PooledConnection> connect() final {
    Result<std::unique_ptr<Connection>> connection = pool_.acquire();
    if (!connection) return std::unexpected(connection.error());
    return PooledConnection(this, std::move(*connection));
  }
  void give_back(std::unique_ptr<Connection> connection) final { pool_.release(std::move(connection)); }
  // Adds the connection that opening the database made (to check the URL) to the pool.
  void adopt(std::unique_ptr<Connection> connection) { pool_.adopt(std::move(connection)); }

 protected:
  PooledDatabase(std::size_t connections_max, ConnectionPool::Opener opener,
                 ConnectionPool::Checker reusable)
      : pool_(connections_max, std::move(opener), std::move(reusable)) {}

 private:
  ConnectionPool pool_;
};

}  // namespace ektp::store::detail
