// Internal to registry: the one shape every civil-event service shares — permission check, key
// check, one write transaction that replays or applies, appends the event and audits it.
#pragma once

#include <fmt/format.h>

#include "registry/audit_log.h"
#include "registry/civil_registry.h"
#include "registry/event_log.h"

namespace ektp::registry::detail {

// `apply(Connection&) -> Result<NewEvent>` validates against the current state and writes the
// projection; it runs only when the key is new.
template <class Apply>
Result<EventOutcome> run_event(store::Database& db, const WriteContext& ctx, Apply&& apply) {
  if (!can_record_events(ctx.actor.role)) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("role {} may not record civil events", role_id(ctx.actor.role)));
  }
  if (auto s = validate_idempotency_key(ctx.idempotency_key); !s) return std::unexpected(s.error());
  return store::with_write_transaction<EventOutcome>(
      db, [&](store::Connection& c) -> Result<EventOutcome> {
        auto replay = find_replay(c, ctx);
        if (!replay) return std::unexpected(replay.error());
        if (*replay) return std::move(**replay);
        auto event = apply(c);
        if (!event) return std::unexpected(event.error());
        std::string subject = event->subjects.empty() ? "" : event->subjects.front().nik;
        std::string action = fmt::format("event.{}", event_type_id(event->type));
        auto outcome = append_event(c, ctx, std::move(*event));
        if (!outcome) return std::unexpected(outcome.error());
        AuditEntry audit{ctx.now_ms(), ctx.actor.username, action, subject,
                         fmt::format("event {}", outcome->event_id)};
        if (auto s = append_audit(c, audit); !s) return std::unexpected(s.error());
        return outcome;
      });
}

inline Status require_alive(const Person& person, std::string_view role) {
  if (!person.alive) {
    return failed_precondition(fmt::format("{} {} ({}) is recorded as deceased", role, person.nik,
                                           person.name));
  }
  return {};
}

inline Status require_not_future(CivilDate date, CivilDate today, std::string_view field) {
  if (std::chrono::sys_days{date} > std::chrono::sys_days{today}) {
    return invalid_argument(fmt::format("{}: {} is in the future", field, format_civil_date(date)));
  }
  return {};
}

inline Status require_after_birth(CivilDate date, const Person& person, std::string_view field) {
  if (std::chrono::sys_days{date} < std::chrono::sys_days{person.birth_date}) {
    return invalid_argument(fmt::format("{}: {} is before the birth of {} ({})", field,
                                        format_civil_date(date), person.nik,
                                        format_civil_date(person.birth_date)));
  }
  return {};
}

}  // namespace ektp::registry::detail
