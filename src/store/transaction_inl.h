// Definitions of with_write_transaction / with_read_transaction; included by database.h only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "store/store_limits.h"

namespace ektp::store::detail {

// Sleeps before retry number `attempt` (1, 2, …): exponential back-off with jitter, bounded.
void sleep_before_retry(int attempt);

// Rolls back after a failure; the first error is the one worth reporting, so this one is dropped.
inline void rollback_quietly(Connection& connection) {
  (void)connection.take_after_commit();  // what waited for this commit never will
  if (connection.in_transaction()) (void)connection.rollback();
}

template <class T>
Result<T> run_in_transaction(Connection& connection,
                             const std::function<Result<T>(Connection&)>& work) {
  Result<T> result = work(connection);
  if (!result) {
    rollback_quietly(connection);
    return result;
  }
  if (Status committed = connection.commit(); !committed) {
    rollback_quietly(connection);
    return std::unexpected(committed.error());
  }
  for (auto& done : connection.take_after_commit()) done();
  return result;
}

}  // namespace ektp::store::detail

namespace ektp::store {

template <class T>
Result<T> with_write_transaction(Database& db, const std::function<Result<T>(Connection&)>& work,
                                 int attempts) {
  if (attempts < 1) attempts = 1;
  if (attempts > tunables::transaction_attempts_max) attempts = tunables::transaction_attempts_max;
  Error last{ErrorCode::kAborted, ""};
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) detail::sleep_before_retry(attempt);
    Result<PooledConnection> connection = db.connect();
    if (!connection) return std::unexpected(connection.error());
    Connection& borrowed = **connection;
    Result<T> result = [&]() -> Result<T> {
      if (Status begun = borrowed.begin_write(); !begun) return std::unexpected(begun.error());
      return detail::run_in_transaction<T>(borrowed, work);
    }();
    if (result || result.error().code != ErrorCode::kAborted) return result;
    last = std::move(result.error());
  }
  return std::unexpected(Error{
      ErrorCode::kAborted,
      "transaction gave up after " + std::to_string(attempts) + " attempts: " + last.message});
}

template <class T>
Result<T> with_read_transaction(Database& db, const std::function<Result<T>(Connection&)>& work) {
  Result<PooledConnection> connection = db.connect();
  if (!connection) return std::unexpected(connection.error());
  Connection& borrowed = **connection;
  if (Status begun = borrowed.begin_read(); !begun) return std::unexpected(begun.error());
  return detail::run_in_transaction<T>(borrowed, work);
}

template <class T>
Result<T> with_single_read(Database& db, const std::function<Result<T>(Connection&)>& work) {
  Result<PooledConnection> connection = db.connect();
  if (!connection) return std::unexpected(connection.error());
  return work(**connection);
}

}  // namespace ektp::store
