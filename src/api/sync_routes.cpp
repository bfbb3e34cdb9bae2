// Central's routes for stations (docs/api.md, "Stations and sync").
#include <charconv>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/api_services.h"
#include "api/http.h"
#include "api/person_reads.h"
#include "api/public_status_routes.h"
#include "api/route_support.h"
#include "api/central_client.h"
#include "api/station_request.h"
#include "api/sync_json.h"
#include "core/limits.h"
#include "registry/enrollment_store.h"
#include "registry/person_store.h"
#include "registry/json_fields.h"
#include "access/sha256.h"
#include "sync/station_directory.h"
#include "sync/sync_ingest.h"
#include "sync/working_copy.h"

namespace ektp::api {

namespace {

using boost::json::array;
using boost::json::object;
using namespace ektp::json;

bool is_admin(Role role) { return can_manage_users(role); }

void add_station_admin_routes(Router& router, ApiServices& s) {
  router.add("POST", "/api/v1/stations", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, is_admin));
    EKTP_ASSIGN_OR_RETURN(auto body, parse_json_body(request.body));
    EKTP_ASSIGN_OR_RETURN(auto o, as_object(body, "body"));
    EKTP_RETURN_IF_ERROR(only_fields(*o, {"station_id", "district_code", "name", "operators"}));
    sync::StationRegistration r;
    EKTP_ASSIGN_OR_RETURN(r.station_id, required_string(*o, "station_id"));
    EKTP_ASSIGN_OR_RETURN(r.district_code, required_string(*o, "district_code"));
    EKTP_ASSIGN_OR_RETURN(r.name, required_string(*o, "name"));
    EKTP_ASSIGN_OR_RETURN(auto operators, optional_array(*o, "operators", limits::station_operators_max));
    if (operators) {
      for (const auto& v : *operators) {
        if (!v.is_string()) return invalid_argument("operators: must be usernames");
        r.operators.emplace_back(v.as_string());
      }
    }
    EKTP_ASSIGN_OR_RETURN(auto token, sync::register_station(s.db, s.regions, r, session.username, now_ms(s)));
    EKTP_ASSIGN_OR_RETURN(auto central_key, sync::central_signing_key(s.db, now_ms(s)));
    const std::string code = format_provisioning_code({token, central_key.public_key_hex, s.tls_pin});
    return json_response(object{{"station_id", r.station_id}, {"provisioning_token", token}, {"provisioning_code", code}},
                         201);
  }));

  router.add("GET", "/api/v1/stations", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_RETURN_IF_ERROR(authenticate_bearer(s, request, can_oversee_stations));
    EKTP_ASSIGN_OR_RETURN(auto stations, sync::list_stations(s.db));
    array out;
    for (const auto& st : stations) out.push_back(station_to_json(st));
    return json_response(object{{"stations", std::move(out)}});
  }));

  router.add("POST", "/api/v1/stations/{id}/revoke", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, is_admin));
    const auto& id = request.path_params.at("id");
    EKTP_RETURN_IF_ERROR(sync::revoke_station(s.db, id, session.username, now_ms(s)));
    return json_response(object{{"station_id", id}, {"status", "revoked"}});
  }));

  router.add("POST", "/api/v1/stations/{id}/provision",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto body, parse_json_body(request.body));
               EKTP_ASSIGN_OR_RETURN(auto o, as_object(body, "body"));
               EKTP_ASSIGN_OR_RETURN(auto token, required_string(*o, "provisioning_token"));
               EKTP_ASSIGN_OR_RETURN(auto key, required_string(*o, "public_key"));
               EKTP_ASSIGN_OR_RETURN(
                   auto p, sync::provision_station(s.db, request.path_params.at("id"), token, key, now_ms(s)));
               return json_response(provisioning_to_json(p));
             }));
}

// One audit entry per row of a working-copy page: the person's NIK (or the family card's
// number) as the subject, the station as the actor.
std::vector<access::AuditEntry> pull_audit_entries(const sync::ChangesPage& page, const std::string& station_id,
                                                   std::int64_t at_ms) {
  std::size_t key_column = 0;
  for (std::size_t i = 0; i < page.columns.size(); ++i) {
    if (page.columns[i] == "nik") key_column = i;
  }
  const std::string action = page.table == "persons" ? "sync.pull_person" : "sync.pull_" + page.table;
  std::vector<access::AuditEntry> entries;
  entries.reserve(page.rows.size());
  for (const auto& row : page.rows) {
    if (key_column >= row.size()) continue;
    const auto* key = std::get_if<std::string>(&row[key_column]);
    entries.push_back({at_ms, "station:" + station_id, action, key != nullptr ? *key : std::string(),
                       "working copy"});
  }
  return entries;
}

void add_station_sync_routes(Router& router, ApiServices& s) {
  router.add("POST", "/api/v1/sync/upload", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    if (s.sync_ingest == nullptr) return make_error(ErrorCode::kUnavailable, "this server takes no station uploads");
    EKTP_ASSIGN_OR_RETURN(auto station, authenticate_station(s, request));
    EKTP_ASSIGN_OR_RETURN(auto upload, sync::upload_request_from_json(request.body));
    EKTP_ASSIGN_OR_RETURN(auto response, s.sync_ingest->ingest(station, upload, now_ms(s)));
    HttpResponse http;
    http.body = sync::upload_response_to_json(response);
    return signed_answer(s, request, station, std::move(http));
  }));

  router.add("GET", "/api/v1/sync/changes", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto station, authenticate_station(s, request));
    auto param = [&](const char* name) {
      auto it = request.query.find(name);
      return it == request.query.end() ? std::string() : it->second;
    };
    std::int64_t after_ms = 0;
    std::size_t limit = sync::pull_page_rows_max;
    try {
      if (!param("after_ms").empty()) after_ms = std::stoll(param("after_ms"));
      if (!param("limit").empty()) limit = std::stoul(param("limit"));
    } catch (const std::exception&) {
      return invalid_argument("after_ms and limit must be integers");
    }
    EKTP_ASSIGN_OR_RETURN(auto page, sync::read_changes(s.db, param("table"), station.district_code, after_ms,
                                                        param("after_key"), limit));
    // Every person (and family card) a station receives is a read of personal data.
    EKTP_RETURN_IF_ERROR(s.audit.record_all(pull_audit_entries(page, station.station_id, now_ms(s))));
    HttpResponse http;
    http.body = sync::changes_page_to_json(page);
    return signed_answer(s, request, station, std::move(http));
  }));

  router.add("POST", "/api/v1/sync/leases", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto station, authenticate_station(s, request));
    EKTP_ASSIGN_OR_RETURN(auto leases, sync::renew_station_leases(s.db, station.station_id, now_ms(s)));
    return signed_answer(s, request, station, json_response(object{{"leases", leases_to_json(leases)}}));
  }));
}

// The timeline and enrollments of one person (no biometrics, no biodata).
Result<object> enrollment_status_json(store::Connection& c, const std::string& nik) {
  EKTP_ASSIGN_OR_RETURN(auto timeline, registry::timeline_of(c, nik));
  EKTP_ASSIGN_OR_RETURN(auto enrollments, registry::enrollments_of(c, nik));
  array steps;
  for (const auto& t : timeline) {
    steps.push_back(object{{"enrollment_id", t.enrollment_id},
                           {"status", registry::enrollment_status_id(t.status)},
                           {"label", registry::enrollment_status_label(t.status)},
                           {"at_ms", t.at_ms},
                           {"detail", t.detail}});
  }
  array list;
  for (const auto& e : enrollments) {
    array modalities;
    for (const auto& m : e.modalities) modalities.emplace_back(m);
    list.push_back(object{{"enrollment_id", e.enrollment_id},
                          {"station_id", e.station_id},
                          {"status", registry::enrollment_status_id(e.status)},
                          {"label", registry::enrollment_status_label(e.status)},
                          {"captured_at_ms", e.captured_at_ms},
                          {"received_at_ms", e.received_at_ms},
                          {"modalities", std::move(modalities)}});
  }
  object current;
  if (!enrollments.empty()) current = list.front().as_object();
  return object{{"nik", nik}, {"current", current}, {"timeline", std::move(steps)}, {"enrollments", std::move(list)}};
}

void add_status_routes(Router& router, ApiServices& s) {
  // The timeline a resident follows: direkam, terkirim, dedup, siap cetak … with dates.
  router.add("GET", "/api/v1/persons/{nik}/enrollment-status",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_read_persons));
               const auto& nik = request.path_params.at("nik");
               std::string village_code;
               EKTP_ASSIGN_OR_RETURN(auto data, store::with_read_transaction<object>(s.db, [&](store::Connection& c) -> Result<object> {
                                       EKTP_ASSIGN_OR_RETURN(auto person, registry::load_person(c, nik));
                                       village_code = person.address.village_code;
                                       return enrollment_status_json(c, nik);
                                     }));
               EKTP_RETURN_IF_ERROR(release_person_reads(s, session, "read_enrollment_status", {{nik, village_code}}));
               return json_response(data);
             }));
}

}  // namespace

void add_sync_routes(Router& router, ApiServices& services) {
  add_station_admin_routes(router, services);
  add_station_sync_routes(router, services);
  add_status_routes(router, services);
  add_public_status_routes(router, services);
}

}  // namespace ektp::api
