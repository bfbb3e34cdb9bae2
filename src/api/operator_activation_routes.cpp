#include "api/operator_activation_routes.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/central_client.h"
#include "api/http.h"
#include "api/route_support.h"
#include "access/office_scope.h"
#include "api/station_request.h"
#include "api/sync_json.h"
#include "registry/json_fields.h"
#include "sync/operator_enrolment.h"

namespace ektp::api {

namespace {

using boost::json::object;
using namespace ektp::json;

constexpr std::size_t kActivationBodyBytesMax = 2048;

// An admin anywhere; a supervisor only for stations of a district within their office's region
// (the same prefix their searches are limited to).
Status check_may_issue_for(const access::Session& session, const sync::StationRecord& station) {
  EKTP_ASSIGN_OR_RETURN(auto prefix, access::office_search_prefix(session));
  if (!station.district_code.starts_with(prefix)) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("station {} (district {}) lies outside office region '{}' of user {}",
                                  station.station_id, station.district_code, prefix, session.username));
  }
  return {};
}

}  // namespace

void add_operator_activation_routes(Router& router, ApiServices& s) {
  router.add("POST", "/api/v1/stations/{id}/operators/{username}/activation-code",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_oversee_stations));
               const auto& id = request.path_params.at("id");
               const auto& username = request.path_params.at("username");
               EKTP_RETURN_IF_ERROR(access::validate_username(username));
               EKTP_ASSIGN_OR_RETURN(auto station, store::with_read_transaction<sync::StationRecord>(
                                                       s.db, [&](store::Connection& c) { return sync::load_station(c, id); }));
               if (auto allowed = check_may_issue_for(session, station); !allowed) {
                 // A refusal is a record too: who tried to get a code for whom.
                 EKTP_RETURN_IF_ERROR(s.audit.record(
                     {now_ms(s), session.username, "station.operator_code_refused", username, "station " + id}));
                 return std::unexpected(allowed.error());
               }
               EKTP_ASSIGN_OR_RETURN(auto code, sync::issue_operator_code(s.db, id, username, session.username, now_ms(s)));
               return json_response(object{{"station_id", code.station_id},
                                           {"username", code.username},
                                           {"code", code.code},
                                           {"expires_at_ms", code.expires_at_ms}});
             }));

  router.add("POST", "/api/v1/sync/operators/redeem", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto station, authenticate_station(s, request));
    EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kActivationBodyBytesMax));
    EKTP_RETURN_IF_ERROR(only_fields(body, {"username", "code"}));
    EKTP_ASSIGN_OR_RETURN(auto username, required_string(body, "username"));
    EKTP_ASSIGN_OR_RETURN(auto code, required_string(body, "code"));
    EKTP_RETURN_IF_ERROR(access::validate_username(username));
    EKTP_ASSIGN_OR_RETURN(auto credential, sync::redeem_operator_code(s.db, station, username, code, now_ms(s)));
    return signed_answer(s, request, station,
                         json_response(object{{"username", credential.username}, {"role", credential.role}}));
  }));

  router.add("GET", "/api/v1/sync/operators", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
    EKTP_ASSIGN_OR_RETURN(auto station, authenticate_station(s, request));
    EKTP_ASSIGN_OR_RETURN(auto roster, sync::station_operator_roster(s.db, station.station_id));
    return signed_answer(s, request, station, json_response(object{{"operators", operators_to_json(roster)}}));
  }));
}

void add_station_activation_routes(Router& router, StationServices& st) {
  router.add("POST", "/api/v1/station/operators/activate",
             guarded([&st](const HttpRequest& request) -> Result<HttpResponse> {
               ApiServices& s = st.api;
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kActivationBodyBytesMax));
               EKTP_RETURN_IF_ERROR(only_fields(body, {"username", "code", "password"}));
               EKTP_ASSIGN_OR_RETURN(auto username, required_string(body, "username"));
               EKTP_ASSIGN_OR_RETURN(auto code, required_string(body, "code"));
               EKTP_ASSIGN_OR_RETURN(auto password, required_string(body, "password"));
               CentralClient central(s.db, st.identity, std::chrono::seconds(15));
               access::CodeRedeemer redeem = [&](std::string_view user, std::string_view c) -> Result<Role> {
                 auto role = central.redeem_operator_code(user, c);
                 if (role || !role.error().reason.empty() || role.error().code == ErrorCode::kInvalidArgument) return role;
                 // Central could not be asked (or gave no reason): the code is not spent.
                 return refusal(ErrorCode::kUnavailable, std::string(sync::enrolment_reason::kCentralUnreachable),
                                fmt::format("central must confirm the activation code and cannot be reached now: {}",
                                            role.error().message));
               };
               auto done = s.auth.activate_account({username, code, password, request.client_address}, redeem, s.clock());
               // Bad input (a malformed username, a weak password) is refused before it reaches the audit log.
               if (!done && done.error().code == ErrorCode::kInvalidArgument) return std::unexpected(done.error());
               EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), username,
                                                    done ? "operator.activate" : "operator.activate_failed", username,
                                                    done ? "activation code" : done.error().reason}));
               if (!done) return std::unexpected(done.error());
               return json_response(object{{"username", username}, {"activated", true}});
             }));
}

}  // namespace ektp::api
