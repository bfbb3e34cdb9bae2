// Users, passwords and sessions. Passwords are stored as argon2id hashes (libsodium); a login
// gives a random bearer token whose SHA-256 is stored with its expiry, so a stolen database does
// not yield usable tokens. Sessions are cached in memory; thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/role.h"
#include "registry/context.h"
#include "store/database.h"

namespace ektp::registry {

struct Session {
  std::string username;
  Role role = Role::kOperator;
  std::int64_t expires_at_ms = 0;
};

struct LoginResult {
  std::string token;
  Session session;
};

class AuthService {
 public:
  explicit AuthService(store::Database& db) : db_(db) {}

  // Username: 3–64 of [a-z0-9._-]; password: 8–256 bytes. kAlreadyExists for a taken name.
  Status create_user(std::string_view username, std::string_view password, Role role,
                     std::chrono::system_clock::time_point now);
  // kUnauthenticated for a wrong name or password (the same message for both), and
  // kResourceExhausted after too many failed attempts for one username in a minute.
  Result<LoginResult> login(std::string_view username, std::string_view password,
                            std::chrono::system_clock::time_point now);
  // kUnauthenticated for an unknown or expired token.
  Result<Session> authenticate(std::string_view token, std::chrono::system_clock::time_point now);
  Status logout(std::string_view token);

 private:
  store::Database& db_;
  std::mutex mutex_;
  std::unordered_map<std::string, Session> cache_;  // token hash → session
  std::unordered_map<std::string, std::pair<std::int64_t, int>> failures_;  // username → (minute, count)
};

Status validate_username(std::string_view username);

}  // namespace ektp::registry
