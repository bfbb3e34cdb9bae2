// Central's routes for adjudicators and supervisors (docs/api.md, "Adjudication"): possible
// duplicates side by side (photos, fingerprint images as PNG, minutiae and scores) decided under
// the two-person rule, and sync conflicts resolved by a supervisor. Every read of the two
// persons' biometrics is audited.
#include <charconv>
#include <cmath>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "abis/adjudication.h"
#include "abis/dedup_service.h"
#include "api/api_services.h"
#include "api/http.h"
#include "api/route_support.h"
#include "biometrics/image_io.h"
#include "access/audit_log.h"
#include "registry/enrollment_store.h"
#include "registry/json_fields.h"
#include "registry/person_store.h"

namespace ektp::api {

namespace {

using boost::json::array;
using boost::json::object;
using namespace ektp::json;

Result<std::int64_t> id_param(const HttpRequest& request, const char* name) {
  const auto& text = request.path_params.at(name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 1) {
    return invalid_argument(fmt::format("{} '{}' is not a positive number", name, text));
  }
  return id;
}

bool can_resolve_conflicts(Role role) { return can_oversee_stations(role); }

array finger_scores_json(const std::vector<abis::FingerScore>& scores) {
  array out;
  for (const auto& f : scores) out.push_back(object{{"position", f.position}, {"score", f.score}});
  return out;
}

object case_json(const abis::AdjudicationCase& c) {
  auto decision = [](const std::optional<abis::Decision>& d) -> boost::json::value {
    if (!d) return nullptr;
    return boost::json::string(abis::decision_id(*d));
  };
  return object{{"id", c.id},
                {"enrollment_id", c.enrollment_id},
                {"nik", c.nik},
                {"candidate_nik", c.candidate_nik},
                {"candidate_enrollment_id", c.candidate_enrollment_id},
                {"candidate_rank", c.candidate_rank},
                {"score", c.score},
                {"finger_scores", finger_scores_json(c.finger_scores)},
                {"status", abis::case_status_id(c.status)},
                {"proposed_decision", decision(c.proposed_decision)},
                {"proposed_by", c.proposed_by},
                {"proposed_reason", c.proposed_reason},
                {"confirmed_by", c.confirmed_by},
                {"confirmed_reason", c.confirmed_reason},
                {"final_decision", decision(c.final_decision)},
                {"disagreements", c.disagreements},
                {"created_at_ms", c.created_at_ms}};
}

object side_json(const abis::CaseSide& side) {
  array fingers;
  for (const auto& f : side.fingers) {
    array minutiae;
    for (const auto& m : f.minutiae) {
      minutiae.push_back(array{m.x, m.y, std::round(m.angle_rad * 1000.0f) / 1000.0f,
                               m.type == biometrics::MinutiaType::kEnding ? "E" : "B"});
    }
    fingers.push_back(object{{"position", f.position},
                             {"width_px", f.width_px},
                             {"height_px", f.height_px},
                             {"minutiae", std::move(minutiae)},
                             {"missing_reason", f.missing_reason},
                             {"error", f.error}});
  }
  return object{{"enrollment_id", side.enrollment_id},
                {"nik", side.nik},
                {"status", registry::enrollment_status_id(side.status)},
                {"fingers", std::move(fingers)}};
}

// What each decision POST (propose, confirm, resolve a conflict) starts with: who decides, if
// `allowed` lets their role; the case's or conflict's id in the path; the JSON body.
struct DecisionPost {
  access::Session session;
  std::int64_t id = 0;
  boost::json::object body;
};

Result<DecisionPost> decision_post(ApiServices& s, const HttpRequest& request, bool (*allowed)(Role)) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, allowed));
  EKTP_ASSIGN_OR_RETURN(auto id, id_param(request, "id"));
  EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, 64 << 10));
  return DecisionPost{std::move(session), id, std::move(body)};
}

void add_case_routes(Router& router, ApiServices& s) {
  router.add("GET", "/api/v1/adjudication/cases", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_RETURN_IF_ERROR(authenticate_bearer(s, request, can_read_adjudication));
    std::optional<abis::CaseStatus> status;
    if (auto it = request.query.find("status"); it != request.query.end() && !it->second.empty()) {
      EKTP_ASSIGN_OR_RETURN(status, abis::parse_case_status(it->second));
    }
    EKTP_ASSIGN_OR_RETURN(auto cases,
                          store::with_read_transaction<std::vector<abis::AdjudicationCase>>(
                              s.db, [&](store::Connection& c) { return abis::list_cases(c, status, 200); }));
    array out;
    for (const auto& c : cases) out.push_back(case_json(c));
    return json_response(object{{"cases", std::move(out)}});
  }));

  router.add("GET", "/api/v1/adjudication/cases/{id}",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_read_adjudication));
               EKTP_ASSIGN_OR_RETURN(auto id, id_param(request, "id"));
               EKTP_ASSIGN_OR_RETURN(auto detail,
                                     store::with_read_transaction<abis::CaseDetail>(
                                         s.db, [&](store::Connection& c) { return abis::load_case(c, id); }));
               EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "read_adjudication_case", detail.record.nik,
                               fmt::format("case {} with {}", id, detail.record.candidate_nik)}));
               return json_response(object{{"case", case_json(detail.record)},
                                           {"probe", side_json(detail.probe)},
                                           {"candidate", side_json(detail.candidate)}});
             }));

  router.add("POST", "/api/v1/adjudication/cases/{id}/propose",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto post, decision_post(s, request, can_read_adjudication));
               auto& [session, id, body] = post;
               EKTP_ASSIGN_OR_RETURN(auto decision_text, required_string(body, "decision"));
               EKTP_ASSIGN_OR_RETURN(auto decision, abis::parse_decision(decision_text));
               EKTP_ASSIGN_OR_RETURN(auto reason, optional_string(body, "reason"));
               if (s.dedup == nullptr) return make_error(ErrorCode::kUnavailable, "no dedup service here");
               EKTP_ASSIGN_OR_RETURN(auto result, s.dedup->propose_decision(id, {session.username, session.role},
                                                                            decision, reason.value_or("")));
               return json_response(object{{"case", case_json(result)}});
             }));

  router.add("POST", "/api/v1/adjudication/cases/{id}/confirm",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto post, decision_post(s, request, can_read_adjudication));
               auto& [session, id, body] = post;
               const auto* agree = body.if_contains("agree");
               if (!agree || !agree->is_bool()) return invalid_argument("agree: must be true or false");
               EKTP_ASSIGN_OR_RETURN(auto reason, optional_string(body, "reason"));
               if (s.dedup == nullptr) return make_error(ErrorCode::kUnavailable, "no dedup service here");
               EKTP_ASSIGN_OR_RETURN(auto result, s.dedup->confirm_decision(id, {session.username, session.role},
                                                                            agree->as_bool(), reason.value_or("")));
               object out{{"case", case_json(result.record)}, {"reopened", result.reopened}};
               if (result.enrollment_status) {
                 out["enrollment_status"] = registry::enrollment_status_id(*result.enrollment_status);
               }
               return json_response(out);
             }));
}

// The photo and fingerprint images of an enrollment, for the side-by-side view (fingerprints
// converted to PNG: scanners give TIFF/BMP/PGM, which browsers do not show).
void add_image_routes(Router& router, ApiServices& s) {
  router.add("GET", "/api/v1/enrollments/{id}/photo", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_read_adjudication));
    EKTP_ASSIGN_OR_RETURN(auto e, store::with_read_transaction<registry::Enrollment>(s.db, [&](store::Connection& c) {
                            return registry::load_enrollment(c, request.path_params.at("id"));
                          }));
    EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "read_enrollment_photo", e.nik, e.enrollment_id}));
    HttpResponse response;
    response.content_type = e.photo_mime;
    response.body.assign(e.photo.begin(), e.photo.end());
    return response;
  }));

  router.add("GET", "/api/v1/enrollments/{id}/fingers/{position}",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_read_adjudication));
               EKTP_ASSIGN_OR_RETURN(auto position, id_param(request, "position"));
               EKTP_ASSIGN_OR_RETURN(
                   auto e, store::with_read_transaction<registry::Enrollment>(s.db, [&](store::Connection& c) {
                     return registry::load_enrollment(c, request.path_params.at("id"));
                   }));
               const registry::FingerCapture* finger = nullptr;
               for (const auto& f : e.fingers) {
                 if (f.position == position) finger = &f;
               }
               if (finger == nullptr || finger->missing()) {
                 return not_found(fmt::format("enrollment {} has no image of finger {}", e.enrollment_id, position));
               }
               EKTP_ASSIGN_OR_RETURN(auto grey, biometrics::decode_image(finger->image));
               EKTP_ASSIGN_OR_RETURN(auto png, biometrics::encode_png(grey));
               EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "read_enrollment_finger", e.nik,
                               fmt::format("{} finger {}", e.enrollment_id, position)}));
               HttpResponse response;
               response.content_type = "image/png";
               response.body.assign(png.begin(), png.end());
               return response;
             }));
}

void add_conflict_routes(Router& router, ApiServices& s) {
  router.add("GET", "/api/v1/sync/conflicts", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_RETURN_IF_ERROR(authenticate_bearer(s, request, can_resolve_conflicts));
    std::string status = request.query.contains("status") ? request.query.at("status") : "open";
    EKTP_ASSIGN_OR_RETURN(
        auto rows, store::with_read_transaction<store::QueryResult>(s.db, [&](store::Connection& c) {
          return c.execute(
              "SELECT id, station_id, item_key, nik, base_version, central_version, station_values, central_values, "
              "status, resolved_by, resolution, created_at_ms, resolved_at_ms FROM sync_conflicts WHERE status = $1 "
              "ORDER BY id LIMIT 200",
              {status});
        }));
    array out;
    for (const auto& r : rows.rows) {
      boost::system::error_code ec1, ec2;
      out.push_back(object{{"id", r.integer(0)},
                           {"station_id", r.text(1)},
                           {"item_key", r.text(2)},
                           {"nik", r.text(3)},
                           {"base_version", r.integer(4)},
                           {"central_version", r.integer(5)},
                           {"station_values", boost::json::parse(r.text(6), ec1)},
                           {"central_values", boost::json::parse(r.text(7), ec2)},
                           {"status", r.text(8)},
                           {"resolved_by", r.text(9)},
                           {"resolution", r.text(10)},
                           {"created_at_ms", r.integer(11)},
                           {"resolved_at_ms", r.integer(12)}});
    }
    return json_response(object{{"conflicts", std::move(out)}});
  }));

  // keep "central": the station's edit is dropped; keep "station": its values become a pending
  // correction (the normal approval path, so a second supervisor still decides them).
  router.add("POST", "/api/v1/sync/conflicts/{id}/resolve",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto post, decision_post(s, request, can_resolve_conflicts));
               auto& [session, id, body] = post;
               EKTP_ASSIGN_OR_RETURN(auto keep, required_string(body, "keep"));
               if (keep != "central" && keep != "station") return invalid_argument("keep: must be central or station");
               EKTP_ASSIGN_OR_RETURN(auto reason, required_string(body, "reason"));
               const std::int64_t now = now_ms(s);
               EKTP_ASSIGN_OR_RETURN(
                   auto done, store::with_write_transaction<object>(s.db, [&](store::Connection& c) -> Result<object> {
                     EKTP_ASSIGN_OR_RETURN(
                         auto row,
                         c.execute("SELECT nik, station_values, status, item_key FROM sync_conflicts WHERE id = $1",
                                   {id}));
                     if (row.rows.empty()) return not_found(fmt::format("conflict {} not found", id));
                     if (row.rows[0].text(2) != "open") {
                       return failed_precondition(fmt::format("conflict {} is already resolved", id));
                     }
                     const std::string nik = row.rows[0].text(0);
                     if (keep == "station") {
                       EKTP_RETURN_IF_ERROR(c.execute(
                           "INSERT INTO corrections (nik, fields, reason, requested_by, status, idempotency_key, "
                           "created_at_ms) VALUES ($1,$2,$3,$4,'pending',$5,$6)",
                           {nik, row.rows[0].text(1), reason, session.username, "conflict/" + std::to_string(id),
                            now}));
                     }
                     EKTP_RETURN_IF_ERROR(
                         c.execute("UPDATE sync_conflicts SET status = 'resolved', resolved_by = $2, resolution = $3, "
                                   "resolved_at_ms = $4 WHERE id = $1",
                                   {id, session.username, fmt::format("keep {}: {}", keep, reason), now}));
                     EKTP_RETURN_IF_ERROR(
                         access::append_audit(c, {now, session.username, "sync.conflict_resolve", nik,
                                                    fmt::format("conflict {} keep {}", id, keep)}));
                     return object{{"id", id}, {"status", "resolved"}, {"keep", keep}};
                   }));
               return json_response(done);
             }));
}

}  // namespace

void add_adjudication_routes(Router& router, ApiServices& services) {
  add_case_routes(router, services);
  add_image_routes(router, services);
  add_conflict_routes(router, services);
}

}  // namespace ektp::api
