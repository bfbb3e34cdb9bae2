#include "sync/enrollment_items.h"

#include <algorithm>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/template_format.h"
#include "core/parallel_for.h"
#include "registry/json_fields.h"
#include "registry/person_store.h"
#include "registry/receipt_number.h"
#include "sync/enrollment_payload.h"
#include "sync/outbox.h"
#include "sync/station_bounds.h"

namespace ektp::sync {

namespace {

// The person's fields a station may propose to correct at the desk, as they are now.
boost::json::object current_values(const Person& p, const boost::json::object& changes) {
  boost::json::object out;
  for (const auto& [field, value] : changes) {
    (void)value;
    if (field == "occupation") out["occupation"] = p.occupation;
    else if (field == "birth_place") out["birth_place"] = p.birth_place;
    else if (field == "name") out["name"] = p.name;
    else if (field == "blood_type") out["blood_type"] = std::string(blood_type_id(p.blood_type));
    else if (field == "religion") out["religion"] = std::string(religion_id(p.religion));
    else if (field == "education") out["education"] = std::string(education_id(p.education));
  }
  return out;
}

Status check_changes(const boost::json::object& changes) {
  for (const auto& [field, value] : changes) {
    if (field != "occupation" && field != "birth_place" && field != "name" && field != "blood_type" &&
        field != "religion" && field != "education") {
      return invalid_argument(fmt::format("biodata_changes: field '{}' cannot be corrected at a station",
                                          std::string_view(field)));
    }
    if (!value.is_string() || value.as_string().size() > 200) {
      return invalid_argument(fmt::format("biodata_changes.{}: must be a short string", std::string_view(field)));
    }
  }
  return {};
}

// Extracts every captured finger's template from its image, the fingers on parallel threads
// (about 15 ms each: the ten fingers of one enrollment would otherwise take ~150 ms of one core).
// On failure, the lowest position's error is reported, as a sequential loop would.
Status extract_templates_again(std::vector<registry::FingerCapture>& fingers) {
  std::vector<registry::FingerCapture*> work;
  for (auto& f : fingers)
    if (!f.missing()) work.push_back(&f);
  std::vector<Result<biometrics::FeatureTemplate>> extracted(work.size(), invalid_argument("not extracted"));
  parallel_for(work.size(), hardware_threads(), [&](std::size_t k) {
    auto grey = biometrics::decode_image(work[k]->image);
    extracted[k] = grey ? biometrics::extract(*grey, 500) : Result<biometrics::FeatureTemplate>(std::unexpected(grey.error()));
  });
  for (std::size_t k = 0; k < work.size(); ++k) {
    registry::FingerCapture& f = *work[k];
    if (!extracted[k]) {
      return invalid_argument(fmt::format("fingers: position {}: {}", f.position, extracted[k].error().message));
    }
    auto bytes = biometrics::encode_template(*extracted[k]);
    if (!bytes) return std::unexpected(bytes.error());
    f.template_bytes = std::move(*bytes);
    f.quality = std::clamp(static_cast<int>(extracted[k]->image_quality), 1, 5);
  }
  return {};
}

// Central keeps the receipt number only as its keyed digest (registry/receipt_number.h).
Status store_receipt_digest(store::Connection& c, const registry::Enrollment& e) {
  if (e.receipt_number.empty()) return {};
  auto canonical = registry::normalize_receipt_number(e.receipt_number);
  if (!canonical) return invalid_argument("receipt_number: not a receipt number");
  auto key = registry::receipt_key_for_write(c);
  if (!key) return std::unexpected(key.error());
  auto updated = c.execute("UPDATE enrollments SET receipt_digest = $2 WHERE enrollment_id = $1",
                           {e.enrollment_id, registry::receipt_digest(*key, *canonical)});
  if (!updated) return std::unexpected(updated.error());
  return {};
}

}  // namespace

std::string enrollment_item_key(const registry::Enrollment& e) {
  return fmt::format("{}/{}", e.station_id, e.enrollment_id);
}

Result<std::int64_t> save_enrollment_with_outbox(store::Database& db, const registry::Enrollment& enrollment,
                                                 std::int64_t now_ms) {
  if (auto s = registry::validate_enrollment(enrollment); !s) return std::unexpected(s.error());
  std::string payload = enrollment_to_payload(enrollment);
  return store::with_write_transaction<std::int64_t>(db, [&](store::Connection& c) -> Result<std::int64_t> {
    if (auto s = registry::insert_enrollment(c, enrollment); !s) return std::unexpected(s.error());
    return append_outbox(c, {std::string(kEnrollmentKind), enrollment_item_key(enrollment), enrollment.nik, payload},
                         now_ms);
  });
}

ItemHandler make_enrollment_handler(EnrollmentReceived on_received) {
  return [on_received = std::move(on_received)](store::Connection& c, const StationRecord& station,
                                                const OutboxItem& item, std::int64_t now_ms) -> Result<ItemResult> {
    auto enrollment = enrollment_from_payload(item.payload);
    if (!enrollment) return std::unexpected(enrollment.error());
    auto& e = *enrollment;
    if (e.station_id != station.station_id || item.item_key != enrollment_item_key(e) || item.nik != e.nik) {
      return make_error(ErrorCode::kPermissionDenied,
                        fmt::format("enrollment {} does not belong to station {} as sent", e.enrollment_id,
                                    station.station_id));
    }
    if (auto s = check_station_operator(station, e.operator_name); !s) return std::unexpected(s.error());
    if (auto s = check_in_station_district(c, station, e.nik); !s) return std::unexpected(s.error());
    // Central trusts no station's templates: each is extracted again from the image received
    // (500 ppi, as captured at the desk), so one engine version makes the whole gallery.
    if (auto s = extract_templates_again(e.fingers); !s) return std::unexpected(s.error());
    auto person = registry::load_person(c, e.nik, true);
    if (!person) {
      if (person.error().code == ErrorCode::kNotFound) {
        return not_found(fmt::format("NIK {} is not in the registry", e.nik));
      }
      return std::unexpected(person.error());
    }
    if (!person->alive) return failed_precondition(fmt::format("NIK {} is recorded as deceased", e.nik));

    ItemResult result;
    auto changes = json::parse_json_text(e.biodata_changes_json, 4096, "biodata_changes");
    if (!changes || !changes->is_object()) return invalid_argument("biodata_changes: must be a JSON object");
    const auto& change_object = changes->as_object();
    if (auto s = check_changes(change_object); !s) return std::unexpected(s.error());
    if (!change_object.empty()) {
      if (person->version != e.base_version) {
        auto conflict = c.execute(
            "INSERT INTO sync_conflicts (station_id, item_key, nik, base_version, central_version, station_values, "
            "central_values, status, created_at_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,'open',$8)",
            {station.station_id, item.item_key, e.nik, e.base_version, person->version, e.biodata_changes_json,
             boost::json::serialize(current_values(*person, change_object)), now_ms});
        if (!conflict) return std::unexpected(conflict.error());
        result.outcome = "conflict";
        result.detail = fmt::format("biodata changed centrally (version {} → {}): a supervisor resolves it",
                                    e.base_version, person->version);
      } else {
        auto correction = c.execute(
            "INSERT INTO corrections (nik, fields, reason, requested_by, status, idempotency_key, created_at_ms) "
            "VALUES ($1,$2,$3,$4,'pending',$5,$6)",
            {e.nik, e.biodata_changes_json, std::string("koreksi saat perekaman di ") + station.station_id,
             e.operator_name, item.item_key, now_ms});
        if (!correction) return std::unexpected(correction.error());
        result.detail = "biodata correction awaits a supervisor";
      }
    }
    e.status = registry::EnrollmentStatus::kRecorded;
    e.received_at_ms = now_ms;
    if (auto s = registry::insert_enrollment(c, e); !s) return std::unexpected(s.error());
    if (auto s = store_receipt_digest(c, e); !s) return std::unexpected(s.error());
    if (auto s = registry::set_enrollment_status(c, e.enrollment_id, registry::EnrollmentStatus::kSent, now_ms,
                                                 station.station_id);
        !s) {
      return std::unexpected(s.error());
    }
    auto flagged = c.execute("UPDATE persons SET enrolled = 1, updated_at_ms = $2 WHERE nik = $1", {e.nik, now_ms});
    if (!flagged) return std::unexpected(flagged.error());
    if (on_received) {
      if (auto s = on_received(c, e, now_ms); !s) return std::unexpected(s.error());
    }
    return result;
  };
}

}  // namespace ektp::sync
