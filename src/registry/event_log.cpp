#include "registry/event_log.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/limits.h"
#include "core/person.h"

namespace ektp::registry {

std::string_view event_type_id(EventType type) {
  switch (type) {
    case EventType::kBirth: return "birth";
    case EventType::kNewFamily: return "new_family";
    case EventType::kMarriage: return "marriage";
    case EventType::kDivorce: return "divorce";
    case EventType::kDeath: return "death";
    case EventType::kMove: return "move";
    case EventType::kFamilySplit: return "family_split";
    case EventType::kCorrection: return "correction";
  }
  return "unknown";
}

Status validate_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > limits::idempotency_key_bytes_max) {
    return invalid_argument(fmt::format("idempotency_key: must be 1 to {} characters",
                                        limits::idempotency_key_bytes_max));
  }
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) {
      return invalid_argument("idempotency_key: only printable ASCII without spaces");
    }
  }
  return {};
}

Status validate_documents(const std::vector<Document>& documents) {
  if (documents.size() > 10) return invalid_argument("documents: at most 10");
  for (std::size_t i = 0; i < documents.size(); ++i) {
    auto field = fmt::format("documents[{}].type", i);
    if (auto s = validate_text(field, documents[i].type, 40, true); !s) return s;
    field = fmt::format("documents[{}].number", i);
    if (auto s = validate_text(field, documents[i].number, limits::document_ref_bytes_max, true); !s) {
      return s;
    }
  }
  return {};
}

Result<std::optional<EventOutcome>> find_replay(store::Connection& db, const WriteContext& ctx) {
  auto found = db.execute("SELECT id, request_hash, payload FROM events WHERE idempotency_key = $1",
                          {ctx.scoped_idempotency_key()});
  if (!found) return std::unexpected(found.error());
  if (found->rows.empty()) return std::optional<EventOutcome>{};
  const auto& row = found->rows.front();
  if (row.text(1) != ctx.request_hash) {
    return make_error(ErrorCode::kAlreadyExists,
                      fmt::format("idempotency_key '{}' was already used for a different request",
                                  ctx.idempotency_key));
  }
  boost::system::error_code ec;
  auto payload = boost::json::parse(row.text(2), ec);
  if (ec || !payload.is_object()) {
    return make_error(ErrorCode::kDataLoss, fmt::format("event {} has a corrupt payload", row.integer(0)));
  }
  EventOutcome outcome;
  outcome.event_id = row.integer(0);
  if (auto* o = payload.as_object().if_contains("outcome"); o && o->is_object()) {
    outcome.outcome = o->as_object();
  }
  outcome.replayed = true;
  return std::optional<EventOutcome>{std::move(outcome)};
}

Result<EventOutcome> append_event(store::Connection& db, const WriteContext& ctx, NewEvent event) {
  boost::json::array documents;
  for (const auto& d : event.documents) documents.push_back({{"type", d.type}, {"number", d.number}});
  boost::json::object payload = std::move(event.payload);
  payload["outcome"] = event.outcome;
  auto inserted = db.execute(
      "INSERT INTO events (type, occurred_on, recorded_at_ms, actor, documents, payload, "
      "idempotency_key, request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {std::string(event_type_id(event.type)), format_civil_date(event.occurred_on), ctx.now_ms(),
       ctx.actor.username, boost::json::serialize(documents), boost::json::serialize(payload),
       ctx.scoped_idempotency_key(), ctx.request_hash});
  if (!inserted) {
    if (inserted.error().code == ErrorCode::kAlreadyExists) {
      return make_error(ErrorCode::kAborted, "the same request is being applied concurrently; retry");
    }
    return std::unexpected(inserted.error());
  }
  if (inserted->rows.empty()) return make_error(ErrorCode::kInternal, "INSERT … RETURNING gave no id");
  std::int64_t event_id = inserted->rows.front().integer(0);
  std::vector<std::vector<store::Value>> subjects;
  for (const auto& s : event.subjects) subjects.push_back({s.nik, event_id, s.role});
  if (!subjects.empty()) {
    if (auto s = db.insert_rows("event_subjects", {"nik", "event_id", "role"}, subjects); !s) {
      return std::unexpected(s.error());
    }
  }
  return EventOutcome{event_id, std::move(event.outcome), false};
}

Result<std::vector<StoredEvent>> person_history(store::Connection& db, std::string_view nik) {
  auto rows = db.execute(
      "SELECT e.id, e.type, e.occurred_on, e.recorded_at_ms, e.actor, e.documents, e.payload, s.role "
      "FROM event_subjects s JOIN events e ON e.id = s.event_id WHERE s.nik = $1 "
      "ORDER BY e.id LIMIT $2",
      {std::string(nik), static_cast<std::int64_t>(limits::events_per_person_max)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<StoredEvent> events;
  for (const auto& r : rows->rows) {
    events.push_back({r.integer(0), r.text(1), r.text(2), r.integer(3), r.text(4), r.text(5),
                      r.text(6), r.text(7)});
  }
  return events;
}

}  // namespace ektp::registry
