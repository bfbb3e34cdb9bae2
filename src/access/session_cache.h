// A short memory of sessions already checked against the database, so that a client sending
// many requests does not cost one session lookup each. An entry lives at most `ttl`: a logout,
// deactivation or role change made by another server process on the same database applies here
// within that time; one made through this process applies at once (the owner clears the cache).
// Bounded: when full, it starts over. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/role.h"

namespace ektp::access {

struct CachedSession {
  std::string username;
  Role role = Role::kOperator;
  std::int64_t expires_at_ms = 0;
  std::string office_region = {};
  bool approved = false;  // Session::approved
  bool second_factor_pending = false;
};

class SessionCache {
 public:
  SessionCache(std::chrono::milliseconds ttl, std::size_t entries_max) : ttl_ms_(ttl.count()), entries_max_(entries_max) {}

  // The session for this token hash if it was checked less than `ttl` before `now_ms` and has not
  // expired since.
  std::optional<CachedSession> find(std::string_view token_hash, std::int64_t now_ms) const;
  void remember(std::string token_hash, CachedSession session, std::int64_t now_ms);
  void clear();

 private:
  struct Entry {
    CachedSession session;
    std::int64_t checked_at_ms = 0;
  };
  const std::int64_t ttl_ms_;
  const std::size_t entries_max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace ektp::access
