// Internal to src/api: what every agency call shares before its own work — the API key and the
// agreement in force (`Authorization: ApiKey <key>`), the operation the agreement must include,
// the body, the purpose, each NIK (named by its field) and each resident's region. Refusals carry
// the stable reasons of docs/api.md ("Agencies").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "api/api_services.h"
#include "api/http.h"
#include "core/person.h"

namespace ektp::api {

struct AgencyRequest {
  agency::AgencyCaller caller;
  boost::json::object body;
};

// Who calls: the key of `Authorization: ApiKey ektp_<id>_<secret>` with the agreement in force
// (401 agency_key_invalid; 403 agency_key_suspended, agreement_not_in_force), and that agreement
// includes `operation` (403 agency_operation_not_agreed).
Result<agency::AgencyCaller> agency_caller_for(ApiServices& s, const HttpRequest& request,
                                               agency::AgencyOperation operation);
// The caller as above, then a JSON body of at most 16 KiB.
Result<AgencyRequest> agency_request(ApiServices& s, const HttpRequest& request, agency::AgencyOperation operation);
// A well-formed NIK in `field` of the body.
Result<std::string> agency_nik(ApiServices& s, const boost::json::object& body, std::string_view field);
// The body's "purpose", one of the agreement's.
Result<std::string> agreed_purpose(const agency::Agreement& agreement, const boost::json::object& body);
// The resident lives in one of the agreement's regions.
Status within_agreed_region(const agency::Agreement& agreement, const Person& person);
// A call refused for the day's quota: 429 with Retry-After, the seconds to the next 00:00 WIB.
// nullopt for any other outcome.
std::optional<HttpResponse> quota_refusal(const Error& error, std::int64_t now_ms);

}  // namespace ektp::api
