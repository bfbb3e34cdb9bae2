// Who is acting, when, and under which idempotency key: passed to every registry service.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/civil_date.h"
#include "core/error.h"
#include "core/role.h"

namespace ektp::store {
class Connection;
}

namespace ektp::registry {

struct RecordedEvent;  // registry/event_log.h

// What else must be written with every new civil event, in its transaction: called once the event,
// its subjects and its audit record are appended, before the commit; an error rolls the whole
// event back. Central sets one (the agencies' event outbox, agency/event_outbox.h); a station and
// the tools none. It must be safe to call from any thread at once.
using EventHook = std::function<Status(store::Connection&, const RecordedEvent&)>;

struct Actor {
  std::string username;
  Role role = Role::kOperator;
};

struct WriteContext {
  Actor actor;
  std::chrono::system_clock::time_point now;
  std::string idempotency_key;  // 1..limits::idempotency_key_bytes_max, unique per request
  std::string request_hash;     // fingerprint of the request body: same key + other body → 409
  // Called with each new event of this request (none: nothing else is written). Not owned: it
  // lives as long as the service that set it (CivilRegistry, central's sync handlers).
  const EventHook* after_event = nullptr;

  // The key as stored: one caller's key never replays (or blocks) another caller's request.
  std::string scoped_idempotency_key() const { return actor.username + "|" + idempotency_key; }

  CivilDate today() const { return jakarta_date_of(now); }
  std::int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  }
};

}  // namespace ektp::registry
