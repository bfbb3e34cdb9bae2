// Who is acting, when, and under which idempotency key: passed to every registry service.
#pragma once

#include <chrono>
#include <string>

#include "core/civil_date.h"
#include "core/role.h"

namespace ektp::registry {

struct Actor {
  std::string username;
  Role role = Role::kOperator;
};

struct WriteContext {
  Actor actor;
  std::chrono::system_clock::time_point now;
  std::string idempotency_key;  // 1..limits::idempotency_key_bytes_max, unique per request
  std::string request_hash;     // fingerprint of the request body: same key + other body → 409

  // The key as stored: one caller's key never replays (or blocks) another caller's request.
  std::string scoped_idempotency_key() const { return actor.username + "|" + idempotency_key; }

  CivilDate today() const { return jakarta_date_of(now); }
  std::int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  }
};

}  // namespace ektp::registry
