#include "api/station_routes.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/http.h"
#include "api/route_support.h"
#include "api/sync_json.h"
#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/iris_quality.h"
#include "biometrics/signature_check.h"
#include "biometrics/template_format.h"
#include "core/eligibility.h"
#include "core/limits.h"
#include "registry/event_json.h"
#include "registry/json_fields.h"
#include "registry/person_store.h"
#include "access/sha256.h"
#include "registry/receipt_number.h"
#include "sync/birth_items.h"
#include "sync/move_in_items.h"
#include "sync/enrollment_items.h"
#include "sync/enrollment_payload.h"
#include "sync/outbox.h"
#include "sync/serial_leases.h"
#include "sync/signing.h"

namespace ektp::api {

namespace {

using boost::json::array;
using boost::json::object;
using namespace ektp::json;

// Fingers of quality 4–5 should be captured again; the operator decides.
constexpr int kRecaptureQuality = 4;

struct FingerResult {
  int quality = 0;
  std::size_t minutiae = 0;
  std::vector<std::uint8_t> template_bytes;
};

Result<FingerResult> analyse_finger(const std::vector<std::uint8_t>& image, int position) {
  auto grey = biometrics::decode_image(image);
  if (!grey) return invalid_argument(fmt::format("fingers: position {}: {}", position, grey.error().message));
  auto t = biometrics::extract(*grey, 500);
  if (!t) return invalid_argument(fmt::format("fingers: position {}: {}", position, t.error().message));
  EKTP_ASSIGN_OR_RETURN(auto bytes, biometrics::encode_template(*t));
  return FingerResult{std::clamp(static_cast<int>(t->image_quality), 1, 5), t->minutiae.size(), std::move(bytes)};
}

// "id (message); id (message)" of the failed checks, for the operator.
std::string failed_messages(const std::vector<biometrics::QualityCheck>& checks) {
  std::string out;
  for (const auto& c : checks) {
    if (c.outcome != biometrics::CheckOutcome::kFail) continue;
    out += fmt::format("{}{} ({})", out.empty() ? "" : "; ", c.id, c.message);
  }
  return out;
}

Result<std::vector<std::uint8_t>> image_field(const object& o, std::string_view field, std::size_t max,
                                              std::string_view what) {
  EKTP_ASSIGN_OR_RETURN(auto text, optional_string(o, field, what));
  if (!text) return std::vector<std::uint8_t>{};
  return sync::base64_decode(*text, max, fmt::format("{}.{}", what, field));
}

class StationRoutes {
 public:
  explicit StationRoutes(StationServices& s) : s_(s) {}

  Result<HttpResponse> check_finger(const HttpRequest& request) {
    EKTP_RETURN_IF_ERROR(authenticate_bearer(s_.api, request, can_record_events));
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, limits::enrollment_body_bytes_max));
    const boost::json::object* o = &body;
    EKTP_ASSIGN_OR_RETURN(auto position, required_int(*o, "position"));
    if (position < 1 || position > 10) return invalid_argument("position: must be 1..10");
    EKTP_ASSIGN_OR_RETURN(auto image, image_field(*o, "image", limits::finger_image_bytes_max, "body"));
    if (image.empty()) return invalid_argument("image: is required");
    EKTP_ASSIGN_OR_RETURN(auto finger, analyse_finger(image, static_cast<int>(position)));
    return json_response(object{{"position", position},
                                {"quality", finger.quality},
                                {"minutiae", finger.minutiae},
                                {"recapture", finger.quality >= kRecaptureQuality}});
  }

  Result<HttpResponse> check_photo(const HttpRequest& request) {
    EKTP_RETURN_IF_ERROR(authenticate_bearer(s_.api, request, can_record_events));
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, limits::enrollment_body_bytes_max));
    const boost::json::object* o = &body;
    EKTP_ASSIGN_OR_RETURN(auto photo, image_field(*o, "data", limits::photo_bytes_max, "photo"));
    if (photo.empty()) return invalid_argument("photo.data: is required");
    if (!s_.check_photo) return json_response(object{{"ok", true}, {"checks", array{}}});
    EKTP_ASSIGN_OR_RETURN(auto verdict, s_.check_photo(photo));
    object out = verdict.report;
    out["ok"] = verdict.ok;
    return json_response(out);
  }

  Result<HttpResponse> enroll(const HttpRequest& request) {
    EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s_.api, request, can_record_events));
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, limits::enrollment_body_bytes_max));
    const boost::json::object* o = &body;
    EKTP_RETURN_IF_ERROR(
        only_fields(*o, {"nik", "photo", "signature", "fingers", "irises", "biodata_changes", "enrollment_id"}));
    const std::int64_t now = now_ms(s_.api);
    registry::Enrollment e;
    EKTP_ASSIGN_OR_RETURN(e.nik, required_string(*o, "nik"));
    // lets a client retry without a second record
    EKTP_ASSIGN_OR_RETURN(auto id, optional_string(*o, "enrollment_id"));
    e.enrollment_id = id.value_or(sync::random_uuid());
    // Shown once, for the printed receipt: the station keeps it only in the outbox item.
    e.receipt_number = registry::generate_receipt_number();
    e.station_id = s_.identity.station_id;
    e.operator_name = session.username;
    e.captured_at_ms = now;

    EKTP_ASSIGN_OR_RETURN(auto person, store::with_read_transaction<Person>(s_.api.db, [&](store::Connection& c) {
                            return registry::load_person(c, e.nik);
                          }));
    auto eligibility = wajib_ktp(person, jakarta_date_of(s_.api.clock()));
    if (!eligibility.required) {
      return failed_precondition(fmt::format("{} bukan wajib KTP: {}", person.name, eligibility.reason));
    }
    e.base_version = person.version;

    // Photo.
    const auto* photo = o->if_contains("photo");
    if (!photo) return invalid_argument("photo: is required");
    EKTP_ASSIGN_OR_RETURN(auto po, as_object(*photo, "photo"));
    EKTP_ASSIGN_OR_RETURN(e.photo_mime, required_string(*po, "mime", "photo"));
    EKTP_ASSIGN_OR_RETURN(e.photo, image_field(*po, "data", limits::photo_bytes_max, "photo"));
    if (e.photo.empty()) return invalid_argument("photo.data: is required");
    e.photo_sha256 = registry::bytes_sha256(e.photo);
    EKTP_ASSIGN_OR_RETURN(auto override_reason, optional_string(*po, "override_reason", "photo"));
    if (s_.check_photo) {
      EKTP_ASSIGN_OR_RETURN(auto verdict, s_.check_photo(e.photo));
      if (!verdict.ok) {
        // A photo that fails a rule is refused, naming the rules, unless the operator records why
        // it is accepted anyway (e.g. no backdrop at a mobile service); the reason stays with it.
        if (!override_reason || override_reason->empty()) {
          std::string failed;
          if (const auto* list = verdict.report.if_contains("failed"); list && list->is_array()) {
            for (const auto& rule : list->as_array()) {
              failed += (failed.empty() ? "" : ", ") + std::string(rule.as_string());
            }
          }
          return invalid_argument(fmt::format("photo: does not meet the rules ({}): {}", failed,
                                              boost::json::serialize(verdict.report)));
        }
        verdict.report["override"] = object{{"by", session.username}, {"reason", *override_reason}};
      }
      e.photo_report_json = boost::json::serialize(verdict.report);
    }
    // Signature.
    const auto* signature = o->if_contains("signature");
    if (!signature) return invalid_argument("signature: is required");
    EKTP_ASSIGN_OR_RETURN(auto so, as_object(*signature, "signature"));
    EKTP_ASSIGN_OR_RETURN(auto sig, image_field(*so, "data", limits::signature_bytes_max, "signature"));
    if (sig.empty()) return invalid_argument("signature.data: is required");
    EKTP_ASSIGN_OR_RETURN(auto signature_check, biometrics::check_signature(sig));
    if (!signature_check.ok) {
      return invalid_argument(fmt::format("signature: {}", failed_messages(signature_check.checks)));
    }
    e.signature = std::move(signature_check.png);  // black on white, cropped
    e.signature_sha256 = registry::bytes_sha256(e.signature);
    // Fingers.
    EKTP_ASSIGN_OR_RETURN(auto fingers, optional_array(*o, "fingers", 10));
    if (fingers->empty()) {
      return invalid_argument("fingers: all 10 positions are required (a reason for a missing one)");
    }
    array finger_report;
    int good_fingers = 0;
    for (std::size_t i = 0; i < fingers->size(); ++i) {
      std::string what = fmt::format("fingers[{}]", i);
      EKTP_ASSIGN_OR_RETURN(auto fo, as_object((*fingers)[i], what));
      registry::FingerCapture f;
      EKTP_ASSIGN_OR_RETURN(auto position, required_int(*fo, "position", what));
      if (position < 1 || position > 10) return invalid_argument(fmt::format("{}.position: must be 1..10", what));
      f.position = static_cast<int>(position);
      EKTP_ASSIGN_OR_RETURN(auto image, image_field(*fo, "image", limits::finger_image_bytes_max, what));
      EKTP_ASSIGN_OR_RETURN(auto reason, optional_string(*fo, "missing_reason", what));
      if (image.empty()) {
        f.missing_reason = reason.value_or("");
      } else {
        EKTP_ASSIGN_OR_RETURN(auto analysed, analyse_finger(image, f.position));
        f.image = std::move(image);
        f.image_sha256 = registry::bytes_sha256(f.image);
        f.template_bytes = std::move(analysed.template_bytes);
        f.quality = analysed.quality;
        if (f.quality < kRecaptureQuality) ++good_fingers;
        finger_report.push_back(object{{"position", f.position}, {"quality", f.quality},
                                       {"minutiae", analysed.minutiae}});
      }
      e.fingers.push_back(std::move(f));
    }
    // Irises.
    EKTP_ASSIGN_OR_RETURN(auto irises, optional_array(*o, "irises", 2));
    bool has_iris = false;
    for (std::size_t i = 0; i < irises->size(); ++i) {
      std::string what = fmt::format("irises[{}]", i);
      EKTP_ASSIGN_OR_RETURN(auto io, as_object((*irises)[i], what));
      registry::IrisCapture iris;
      EKTP_ASSIGN_OR_RETURN(iris.eye, required_string(*io, "eye", what));
      EKTP_ASSIGN_OR_RETURN(auto image, image_field(*io, "image", limits::iris_image_bytes_max, what));
      EKTP_ASSIGN_OR_RETURN(auto reason, optional_string(*io, "missing_reason", what));
      iris.image = std::move(image);
      iris.missing_reason = reason.value_or("");
      if (!iris.image.empty()) {
        auto report = biometrics::check_iris(iris.image);
        if (!report) return invalid_argument(fmt::format("{}: {}", what, report.error().message));
        if (!report->ok) return invalid_argument(fmt::format("{}: {}", what, failed_messages(report->checks)));
        iris.image_sha256 = registry::bytes_sha256(iris.image);
        iris.quality = report->quality_score;
        has_iris = true;
      }
      e.irises.push_back(std::move(iris));
    }
    // Which ways of verifying work for this person: never exclude someone whose prints are worn.
    if (good_fingers >= 2) e.modalities.push_back("fingerprint");
    if (has_iris) e.modalities.push_back("iris");
    e.modalities.push_back("face");
    if (good_fingers < 2 && !has_iris) e.modalities.push_back("assisted");
    if (const auto* changes = o->if_contains("biodata_changes"); changes && !changes->is_null()) {
      if (!changes->is_object()) return invalid_argument("biodata_changes: must be an object");
      e.biodata_changes_json = boost::json::serialize(*changes);
    }
    EKTP_RETURN_IF_ERROR(registry::validate_enrollment(e));
    if (s_.local_duplicates) {
      EKTP_ASSIGN_OR_RETURN(auto conn, s_.api.db.connect());
      EKTP_ASSIGN_OR_RETURN(auto hits, s_.local_duplicates(*conn, e));
      if (!hits.empty()) {
        return failed_precondition(fmt::format(
            "sidik jari sama dengan perekaman lain di kantor ini (NIK {}): perekaman ganda dihentikan", hits.front()));
      }
    }
    EKTP_ASSIGN_OR_RETURN(auto seq, sync::save_enrollment_with_outbox(s_.api.db, e, now));
    // The enrollment is stored and will reach central; a record that cannot be written now is
    // still queued and written once it can, so the answer does not turn into an error.
    if (auto audited = s_.api.audit.record({now, session.username, "enrollment.record", e.nik, e.enrollment_id});
        !audited) {
      spdlog::warn("enrollment {}: audit record delayed: {}", e.enrollment_id, audited.error().message);
    }
    if (s_.loop) s_.loop->wake();
    array modalities;
    for (const auto& m : e.modalities) modalities.emplace_back(m);
    return json_response(object{{"enrollment_id", e.enrollment_id},
                                {"nik", e.nik},
                                {"outbox_seq", seq},
                                {"status", "direkam"},
                                {"receipt_number", e.receipt_number},
                                {"fingers", std::move(finger_report)},
                                {"modalities", std::move(modalities)}},
                         201);
  }

  // A birth at the desk, online or offline: the NIK's serial comes from this station's lease, the
  // child is in the working copy at once and the birth waits in the outbox for central.
  Result<HttpResponse> birth(const HttpRequest& request) {
    EKTP_ASSIGN_OR_RETURN(auto event, event_request(s_.api, request));
    EKTP_ASSIGN_OR_RETURN(auto parsed, registry::parse_birth_request(event.body));
    const auto& ctx = event.ctx;
    EKTP_ASSIGN_OR_RETURN(auto saved, sync::save_birth_with_outbox(s_.api.db, s_.identity.station_id, ctx, parsed));
    if (s_.loop && !saved.event.replayed) s_.loop->wake();
    return json_response(object{{"nik", saved.nik},
                                {"kk_number", saved.kk_number},
                                {"event_id", saved.event.event_id},
                                {"replayed", saved.event.replayed},
                                {"outbox_seq", saved.outbox_seq},
                                {"status", "terdaftar"}},
                         saved.event.replayed ? 200 : 201);
  }

  // A family moving in from another district (pindah datang), online or offline: its persons are
  // not in the working copy, so the move waits in the outbox and is applied when central confirms
  // it; the new family card's number comes from this station's KK lease at once.
  Result<HttpResponse> move_in(const HttpRequest& request) {
    EKTP_ASSIGN_OR_RETURN(auto event, event_request(s_.api, request));
    EKTP_ASSIGN_OR_RETURN(auto parsed, registry::parse_move_request(event.body));
    const auto& ctx = event.ctx;
    EKTP_ASSIGN_OR_RETURN(auto saved,
                          sync::save_move_in_with_outbox(s_.api.db, s_.identity.station_id, s_.identity.district_code,
                                                         s_.api.regions, ctx, parsed));
    if (s_.loop && !saved.replayed) s_.loop->wake();
    return json_response(object{{"kk_number", saved.kk_number},
                                {"outbox_seq", saved.outbox_seq},
                                {"replayed", saved.replayed},
                                {"status", "menunggu pusat"},
                                {"detail", "the persons are moved to the new address and family card when central "
                                           "confirms the move; they then come down with the next pull"}},
                         saved.replayed ? 200 : 201);
  }

  Result<HttpResponse> status(const HttpRequest& request) {
    EKTP_RETURN_IF_ERROR(authenticate_bearer(s_.api, request, can_read_persons));
    EKTP_ASSIGN_OR_RETURN(auto summary, sync::outbox_summary(s_.api.db));
    EKTP_ASSIGN_OR_RETURN(auto conn, s_.api.db.connect());
    auto nik_left = sync::leased_serials_left(*conn, "nik", now_ms(s_.api));
    auto kk_left = sync::leased_serials_left(*conn, "kk", now_ms(s_.api));
    object link;
    if (s_.loop) {
      auto st = s_.loop->state();
      link = object{{"online", st.online}, {"last_contact_ms", st.last_contact_ms}, {"last_pull_ms", st.last_pull_ms},
                    {"last_error", st.last_error}, {"next_try_ms", st.next_try_ms}};
    }
    return json_response(object{{"station_id", s_.identity.station_id},
                                {"district_code", s_.identity.district_code},
                                {"central_url", s_.identity.central_url},
                                {"outbox", outbox_summary_to_json(summary)},
                                {"link", link},
                                {"leases", object{{"nik_serials", nik_left.value_or(0)},
                                                  {"kk_serials", kk_left.value_or(0)}}}});
  }

  Result<HttpResponse> outbox(const HttpRequest& request) {
    EKTP_RETURN_IF_ERROR(authenticate_bearer(s_.api, request, can_read_persons));
    bool pending = request.query.contains("pending") && request.query.at("pending") != "0";
    EKTP_ASSIGN_OR_RETURN(auto rows, sync::list_outbox(s_.api.db, pending, 200));
    array out;
    for (const auto& r : rows) out.push_back(outbox_row_to_json(r));
    return json_response(object{{"items", std::move(out)}});
  }

 private:
  StationServices& s_;
};

}  // namespace

void add_station_routes(Router& router, StationServices& services) {
  auto routes = std::make_shared<StationRoutes>(services);
  router.add("POST", "/api/v1/station/enrollments",
             guarded([routes](const HttpRequest& r) { return routes->enroll(r); }));
  // Births go through the station's lease and outbox; the registry's own birth route (the web
  // front end's) is served by the same handler, so it must be added before the registry routes.
  router.add("POST", "/api/v1/station/births", guarded([routes](const HttpRequest& r) { return routes->birth(r); }));
  router.add("POST", "/api/v1/events/birth", guarded([routes](const HttpRequest& r) { return routes->birth(r); }));
  router.add("POST", "/api/v1/station/moves", guarded([routes](const HttpRequest& r) { return routes->move_in(r); }));
  router.add("POST", "/api/v1/station/fingerprints/check",
             guarded([routes](const HttpRequest& r) { return routes->check_finger(r); }));
  router.add("POST", "/api/v1/station/photo/check",
             guarded([routes](const HttpRequest& r) { return routes->check_photo(r); }));
  router.add("GET", "/api/v1/station/status", guarded([routes](const HttpRequest& r) { return routes->status(r); }));
  router.add("GET", "/api/v1/station/outbox", guarded([routes](const HttpRequest& r) { return routes->outbox(r); }));
}

}  // namespace ektp::api
