// The append-only log of civil events, with idempotency: each write request carries a key; the
// first request with a key is applied, a repeat with the same body returns the first outcome, and
// a repeat with another body is refused.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "registry/context.h"
#include "store/database.h"

namespace ektp::registry {

enum class EventType {
  kBirth, kNewFamily, kMarriage, kDivorce, kDeath, kMove, kFamilySplit, kCorrection
};
std::string_view event_type_id(EventType type);

struct Document {
  std::string type;    // akta_kelahiran, surat_nikah, surat_kematian, surat_pindah, …
  std::string number;
};
Status validate_documents(const std::vector<Document>& documents);

struct EventSubject {
  std::string nik;
  std::string role;  // "child", "mother", "husband", "deceased", "mover", …
};

struct NewEvent {
  EventType type;
  CivilDate occurred_on;
  std::vector<Document> documents;
  std::vector<EventSubject> subjects;
  boost::json::object payload;  // what happened, in detail
  boost::json::object outcome;  // what the caller is told (nik, kk_number, …); replayed on repeat
};

// A new event as the EventHook of its request sees it (registry/context.h), in its transaction:
// the projection is written, so the subjects' rows already show its effect.
struct RecordedEvent {
  std::int64_t event_id = 0;
  EventType type = EventType::kBirth;
  CivilDate occurred_on{};
  std::int64_t recorded_at_ms = 0;
  const std::vector<EventSubject>& subjects;
  const boost::json::object& payload;  // what happened (the outcome not included)
};

struct EventOutcome {
  std::int64_t event_id = 0;
  boost::json::object outcome;
  bool replayed = false;
};

// Within the caller's write transaction: the earlier outcome for ctx.idempotency_key, if any
// (kAlreadyExists if that key came with another request body).
Result<std::optional<EventOutcome>> find_replay(store::Connection& db, const WriteContext& ctx);

// Appends the event and its subjects. A concurrent insert of the same key gives kAborted, so the
// transaction is retried and then finds the replay.
Result<EventOutcome> append_event(store::Connection& db, const WriteContext& ctx, NewEvent event);

struct StoredEvent {
  std::int64_t id = 0;
  std::string type;
  std::string occurred_on;
  std::int64_t recorded_at_ms = 0;
  std::string actor;
  std::string documents_json;
  std::string payload_json;
  std::string role;  // the person's role in this event
};
// Every event that names the person, oldest first (bounded by limits::events_per_person_max).
Result<std::vector<StoredEvent>> person_history(store::Connection& db, std::string_view nik);

// Validates an idempotency key (1–100 printable ASCII characters).
Status validate_idempotency_key(std::string_view key);

}  // namespace ektp::registry
