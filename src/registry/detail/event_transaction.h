// Internal to registry: the one shape every civil-event service shares — permission check, key
// check, one write transaction (its own, or the caller's) that replays or applies, appends the
// event and audits it.
#pragma once

#include <fmt/format.h>

#include "access/audit_log.h"
#include "registry/civil_registry.h"
#include "registry/event_log.h"

namespace ektp::registry::detail {

// Who may record events (by default the desk's roles; `may` for an event others record too),
// and under which key: checked before any write.
using EventPermission = bool (*)(Role);
inline Status check_event_context(const WriteContext& ctx, EventPermission may = can_record_events) {
  if (!may(ctx.actor.role)) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("role {} may not record civil events", role_id(ctx.actor.role)));
  }
  return validate_idempotency_key(ctx.idempotency_key);
}

// Inside the caller's write transaction, once the context is checked: replays the earlier outcome
// of the key, or applies, appends the event and audits it.
template <class Apply>
Result<EventOutcome> record_event(store::Connection& c, const WriteContext& ctx, Apply&& apply) {
  auto replay = find_replay(c, ctx);
  if (!replay) return std::unexpected(replay.error());
  if (*replay) return std::move(**replay);
  auto event = apply(c);
  if (!event) return std::unexpected(event.error());
  std::string subject = event->subjects.empty() ? "" : event->subjects.front().nik;
  std::string action = fmt::format("event.{}", event_type_id(event->type));
  // What the hook sees: append_event consumes the event.
  const bool hooked = ctx.after_event != nullptr && *ctx.after_event;
  const EventType type = event->type;
  const CivilDate occurred_on = event->occurred_on;
  std::vector<EventSubject> subjects = hooked ? event->subjects : std::vector<EventSubject>{};
  boost::json::object payload = hooked ? event->payload : boost::json::object{};
  auto outcome = append_event(c, ctx, std::move(*event));
  if (!outcome) return std::unexpected(outcome.error());
  access::AuditEntry audit{ctx.now_ms(), ctx.actor.username, action, subject, fmt::format("event {}", outcome->event_id)};
  if (auto s = access::append_audit(c, audit); !s) return std::unexpected(s.error());
  if (hooked) {
    const RecordedEvent recorded{outcome->event_id, type, occurred_on, ctx.now_ms(), subjects, payload};
    if (auto s = (*ctx.after_event)(c, recorded); !s) return std::unexpected(s.error());
  }
  return outcome;
}

// `apply(Connection&) -> Result<NewEvent>` validates against the current state and writes the
// projection; it runs only when the key is new. One write transaction of its own; `after_event`
// (the registry's hook) is called with the new event unless the context names one already.
template <class Apply>
Result<EventOutcome> run_event(store::Database& db, const EventHook& after_event, const WriteContext& ctx,
                               Apply&& apply, EventPermission may = can_record_events) {
  if (auto s = check_event_context(ctx, may); !s) return std::unexpected(s.error());
  WriteContext hooked = ctx;
  if (hooked.after_event == nullptr && after_event) hooked.after_event = &after_event;
  return store::with_write_transaction<EventOutcome>(
      db, [&](store::Connection& c) -> Result<EventOutcome> { return record_event(c, hooked, apply); });
}

// The same inside a write transaction the caller already holds (e.g. together with a sync item).
template <class Apply>
Result<EventOutcome> run_event_in(store::Connection& c, const WriteContext& ctx, Apply&& apply,
                                  EventPermission may = can_record_events) {
  if (auto s = check_event_context(ctx, may); !s) return std::unexpected(s.error());
  return record_event(c, ctx, apply);
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
