// The outbox of agencies' event subscriptions: in the transaction of every civil event central
// records — at its own desks (CivilRegistry) or applying a station's item (sync) — one pending
// delivery for each active subscription that asks for the event's type, whose agency has an
// agreement in force at that moment that includes "subscribe", and whose regions cover the village
// of at least one person the event concerns (for a move, the village they left too). The
// CloudEvent it will carry (agency/cloud_event.h) is written with it, with only what that
// agreement lets the agency retrieve, so every attempt sends the same bytes; the event and its
// deliveries commit together or not at all. Thread-safe: stateless, over the caller's Connection.
#pragma once

#include <cstddef>
#include <functional>

#include "core/error.h"
#include "registry/context.h"
#include "registry/event_log.h"
#include "store/database.h"

namespace ektp::agency {

// Writes the deliveries of one new event; returns how many. Events no agency may subscribe to
// (new family cards, corrections …) give none.
Result<std::size_t> enqueue_event_deliveries(store::Connection& db, const registry::RecordedEvent& event);

// The same as a registry::EventHook, for CivilRegistry and central's sync handlers. When the event
// wrote deliveries, `after_commit` (if set) runs once its transaction has committed: central wakes
// its delivery worker with it, so an event leaves within milliseconds instead of at the next poll.
registry::EventHook event_outbox_hook(std::function<void()> after_commit = {});

}  // namespace ektp::agency
