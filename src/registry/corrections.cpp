// Biodata corrections: an operator asks, a supervisor (not the same person) approves or rejects.
// Only an approval changes the person, as a `correction` event.
#include <boost/json.hpp>

#include "core/limits.h"
#include "registry/detail/event_transaction.h"
#include "registry/person_store.h"

namespace ektp::registry {

namespace {

Result<boost::json::object> correction_fields(const CorrectionRequest& r) {
  boost::json::object fields;
  if (r.name) {
    if (auto s = validate_person_name("fields.name", *r.name); !s) return std::unexpected(s.error());
    fields["name"] = *r.name;
  }
  if (r.birth_place) {
    if (auto s = validate_text("fields.birth_place", *r.birth_place, limits::place_bytes_max, true); !s) {
      return std::unexpected(s.error());
    }
    fields["birth_place"] = *r.birth_place;
  }
  if (r.occupation) {
    if (auto s = validate_text("fields.occupation", *r.occupation, limits::place_bytes_max, true); !s) {
      return std::unexpected(s.error());
    }
    fields["occupation"] = *r.occupation;
  }
  if (r.religion) fields["religion"] = religion_id(*r.religion);
  if (r.education) fields["education"] = education_id(*r.education);
  if (r.blood_type) fields["blood_type"] = blood_type_id(*r.blood_type);
  if (fields.empty()) return invalid_argument("fields: name at least one field to correct");
  return fields;
}

Status apply_fields(Person& person, const boost::json::object& fields) {
  for (const auto& [key, value] : fields) {
    if (!value.is_string()) return make_error(ErrorCode::kDataLoss, "stored correction is corrupt");
    std::string text(value.as_string());
    if (key == "name") person.name = text;
    else if (key == "birth_place") person.birth_place = text;
    else if (key == "occupation") person.occupation = text;
    else if (key == "religion") person.religion = parse_religion(text).value_or(person.religion);
    else if (key == "education") person.education = parse_education(text).value_or(person.education);
    else if (key == "blood_type") person.blood_type = parse_blood_type(text).value_or(person.blood_type);
  }
  return {};
}

}  // namespace

Result<EventOutcome> CivilRegistry::request_correction(const WriteContext& ctx, const CorrectionRequest& r) {
  auto fields = correction_fields(r);
  if (!fields) return std::unexpected(fields.error());
  if (auto s = validate_text("reason", r.reason, limits::reason_bytes_max, true); !s) return std::unexpected(s.error());
  if (!can_record_events(ctx.actor.role)) {
    return make_error(ErrorCode::kPermissionDenied, "this role may not request corrections");
  }
  if (auto s = validate_idempotency_key(ctx.idempotency_key); !s) return std::unexpected(s.error());
  auto fields_json = boost::json::serialize(*fields);
  return store::with_write_transaction<EventOutcome>(db_, [&](store::Connection& c) -> Result<EventOutcome> {
    auto earlier = c.execute("SELECT id, nik, fields FROM corrections WHERE idempotency_key = $1",
                             {ctx.scoped_idempotency_key()});
    if (!earlier) return std::unexpected(earlier.error());
    if (!earlier->rows.empty()) {
      const auto& row = earlier->rows.front();
      if (row.text(1) != r.nik || row.text(2) != fields_json) {
        return make_error(ErrorCode::kAlreadyExists, "idempotency_key was already used for a different request");
      }
      return EventOutcome{0, {{"correction_id", row.integer(0)}, {"status", "pending"}}, true};
    }
    auto person = load_person(c, r.nik);
    if (!person) return std::unexpected(person.error());
    auto inserted = c.execute(
        "INSERT INTO corrections (nik, fields, reason, requested_by, status, idempotency_key, created_at_ms) "
        "VALUES ($1, $2, $3, $4, 'pending', $5, $6) RETURNING id",
        {r.nik, fields_json, r.reason, ctx.actor.username, ctx.scoped_idempotency_key(), ctx.now_ms()});
    if (!inserted) return std::unexpected(inserted.error());
    auto id = inserted->rows.front().integer(0);
    if (auto s = access::append_audit(c, {ctx.now_ms(), ctx.actor.username, "correction.request", r.nik,
                                  fmt::format("correction {}", id)}); !s) {
      return std::unexpected(s.error());
    }
    return EventOutcome{0, {{"correction_id", id}, {"status", "pending"}}, false};
  });
}

Result<EventOutcome> CivilRegistry::decide_correction(const WriteContext& ctx, std::int64_t id,
                                                      bool approve, std::string reason) {
  if (!can_approve_corrections(ctx.actor.role)) {
    return make_error(ErrorCode::kPermissionDenied, "only a supervisor may decide corrections");
  }
  if (auto s = validate_text("reason", reason, limits::reason_bytes_max, false); !s) return std::unexpected(s.error());
  return detail::run_event(db_, after_event_, ctx, [&](store::Connection& c) -> Result<NewEvent> {
    auto row = c.execute("SELECT nik, fields, requested_by, status FROM corrections WHERE id = $1 FOR UPDATE", {id});
    if (!row) return std::unexpected(row.error());
    if (row->rows.empty()) return not_found(fmt::format("no correction {}", id));
    const auto& r = row->rows.front();
    if (r.text(3) != "pending") return failed_precondition(fmt::format("correction {} is already {}", id, r.text(3)));
    if (r.text(2) == ctx.actor.username) {
      return make_error(ErrorCode::kPermissionDenied, "a correction must be decided by someone other than its requester");
    }
    auto status = approve ? "approved" : "rejected";
    auto updated = c.execute("UPDATE corrections SET status = $1, decided_by = $2, decided_at_ms = $3 WHERE id = $4",
                             {std::string(status), ctx.actor.username, ctx.now_ms(), id});
    if (!updated) return std::unexpected(updated.error());
    boost::system::error_code ec;
    auto fields = boost::json::parse(r.text(1), ec);
    if (ec || !fields.is_object()) return make_error(ErrorCode::kDataLoss, "stored correction is corrupt");
    if (approve) {
      auto person = load_person(c, r.text(0), true);
      if (!person) return std::unexpected(person.error());
      if (auto s = apply_fields(*person, fields.as_object()); !s) return std::unexpected(s.error());
      if (auto s = update_person(c, *person, ctx.now_ms()); !s) return std::unexpected(s.error());
    }
    NewEvent event{EventType::kCorrection, ctx.today(), {}, {{r.text(0), "corrected"}}, {}, {}};
    event.payload = {{"correction_id", id}, {"decision", status}, {"fields", fields}, {"reason", reason},
                     {"requested_by", r.text(2)}};
    event.outcome = {{"correction_id", id}, {"status", status}};
    return event;
  });
}

Result<std::vector<CorrectionRecord>> CivilRegistry::list_corrections(std::string_view status) {
  return store::with_read_transaction<std::vector<CorrectionRecord>>(
      db_, [&](store::Connection& c) -> Result<std::vector<CorrectionRecord>> {
        auto rows = c.execute(
            "SELECT id, nik, fields, reason, requested_by, status, decided_by FROM corrections "
            "WHERE status = $1 ORDER BY id LIMIT 500", {std::string(status)});
        if (!rows) return std::unexpected(rows.error());
        std::vector<CorrectionRecord> out;
        for (const auto& r : rows->rows) {
          out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6)});
        }
        return out;
      });
}

}  // namespace ektp::registry
