#include "api/agency_routes.h"

#include <algorithm>
#include <cmath>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "agency/agency_call_ledger.h"
#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "agency/claim_verification.h"
#include "agency/profile_fields.h"
#include "api/agency_call.h"
#include "api/route_support.h"
#include "core/nik.h"
#include "registry/person_store.h"

namespace ektp::api {

namespace {

using boost::json::array;
using boost::json::object;

// The checks every lookup shares, in order: the key and operation, the NIK (named by the part
// that is wrong), the purpose, and the resident's region once they are found.
struct AgencyCall {
  agency::AgencyCaller caller;
  object body;
  std::string nik;
  std::string purpose;
};

Result<AgencyCall> agency_call(ApiServices& s, const HttpRequest& request, agency::AgencyOperation operation) {
  EKTP_ASSIGN_OR_RETURN(auto call, agency_request(s, request, operation));
  EKTP_ASSIGN_OR_RETURN(auto nik, agency_nik(s, call.body, "nik"));
  EKTP_ASSIGN_OR_RETURN(auto purpose, agreed_purpose(call.caller.agreement, call.body));
  return AgencyCall{std::move(call.caller), std::move(call.body), std::move(nik), std::move(purpose)};
}

// The answer to a call once the ledger has counted and recorded it: the quota used so far, or the
// quota's refusal (429 with the reset time), or the ledger's error.
HttpResponse answer_recorded(Result<agency::AgencyCallOutcome> outcome, object answer, std::int64_t now) {
  if (!outcome) {
    if (auto refused = quota_refusal(outcome.error(), now)) return std::move(*refused);
    return error_response(outcome.error());
  }
  answer["quota"] = object{{"used_today", outcome->use.calls_today}, {"daily_quota", outcome->use.quota},
                           {"reset_at_ms", outcome->use.reset_at_ms}};
  return json_response(answer);
}

// Counts the call against the day's quota and records it (agency/agency_call_ledger.h), then
// answers. With the server's ledger the answer waits, without a thread, for its group's commit;
// a lookup that looks like harvesting suspends the key for the calls after this one and raises an
// alert for the admin.
Result<HttpResponse> recorded(ApiServices& s, const AgencyCall& call, std::string_view action, std::string detail,
                              object answer, bool found) {
  const std::int64_t now = now_ms(s);
  agency::AgencyCallRecord record{
      call.caller.agency.code, call.caller.agreement.daily_quota, call.caller.key_id, call.nik, found, now,
      {now, "agency:" + call.caller.agency.code, std::string(action), call.nik,
       fmt::format("agreement {}; key {}; purpose {}; {}", call.caller.agreement.number, call.caller.key_id,
                   call.purpose, detail)}};
  if (s.agency_calls == nullptr) {
    auto outcome = store::with_write_transaction<agency::AgencyCallOutcome>(
        s.db, [&](store::Connection& c) { return agency::record_agency_call(c, record); });
    return answer_recorded(std::move(outcome), std::move(answer), now);
  }
  HttpResponse held;
  held.gate = [ledger = s.agency_calls, record = std::move(record), answer = std::move(answer), now](
                  ResponseRelease release) mutable {
    ledger->record_then(std::move(record), [release = std::move(release), answer = std::move(answer),
                                            now](Result<agency::AgencyCallOutcome> outcome) mutable {
      release(answer_recorded(std::move(outcome), std::move(answer), now));
    });
  };
  return held;
}

Result<std::optional<Person>> resident(ApiServices& s, const AgencyCall& call) {
  // One statement: its own snapshot, without BEGIN and COMMIT (store::with_single_read).
  return store::with_single_read<std::optional<Person>>(s.db, [&](store::Connection& c) -> Result<std::optional<Person>> {
    auto person = registry::load_person(c, call.nik);
    if (!person && person.error().code == ErrorCode::kNotFound) return std::nullopt;
    if (!person) return std::unexpected(person.error());
    return std::optional<Person>(std::move(*person));
  });
}

Result<HttpResponse> verify(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto call, agency_call(s, request, agency::AgencyOperation::kVerify));
  const auto* fields = call.body.if_contains("fields");
  if (fields == nullptr || !fields->is_object()) return invalid_argument("fields: an object of field → claimed value");
  std::vector<std::pair<std::string, std::string>> claims;
  for (const auto& [key, value] : fields->as_object()) {
    if (!value.is_string()) return invalid_argument(fmt::format("fields.{}: a text", std::string(key).substr(0, 40)));
    claims.emplace_back(std::string(key), std::string(value.as_string()));
  }
  EKTP_RETURN_IF_ERROR(agency::check_claims(claims, call.caller.agreement));
  EKTP_ASSIGN_OR_RETURN(auto person, resident(s, call));
  std::string touched;
  for (const auto& [field, value] : claims) touched += (touched.empty() ? "" : ",") + field;
  if (!person) {
    return recorded(s, call, "agency.verify", fmt::format("fields {}; not found", touched), object{{"nik_found", false}}, false);
  }
  EKTP_RETURN_IF_ERROR(within_agreed_region(call.caller.agreement, *person));
  EKTP_ASSIGN_OR_RETURN(auto verified, agency::verify_claims(*person, claims, call.caller.agreement));
  object results;
  std::string outcome;
  for (const auto& r : verified.fields) {
    object one{{"result", agency::claim_verdict_id(r.verdict)}};
    if (r.name_score) one["name_score"] = std::round(*r.name_score * 1000) / 1000;
    results[r.field] = std::move(one);
    if (r.verdict != agency::ClaimVerdict::kSesuai) outcome += (outcome.empty() ? "" : ",") + r.field;
  }
  object answer{{"nik_found", true}, {"meninggal", verified.deceased}, {"fields", std::move(results)}};
  return recorded(s, call, "agency.verify",
                  fmt::format("fields {}; {}{}", touched, outcome.empty() ? "all sesuai" : "tidak sesuai: " + outcome,
                              verified.deceased ? "; meninggal" : ""),
                  std::move(answer), true);
}

Result<HttpResponse> retrieve(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto call, agency_call(s, request, agency::AgencyOperation::kRetrieve));
  const auto* fields = call.body.if_contains("fields");
  if (fields == nullptr || !fields->is_array() || fields->as_array().empty() ||
      fields->as_array().size() > agency::kProfileFieldCount) {
    return invalid_argument(fmt::format("fields: a list of 1 to {} field ids", agency::kProfileFieldCount));
  }
  std::vector<std::string> wanted;
  for (const auto& v : fields->as_array()) {
    if (!v.is_string()) return invalid_argument("fields: field ids are texts");
    const std::string field(v.as_string());
    if (!agency::is_profile_field(field)) return invalid_argument(fmt::format("fields: '{}' is not a field of the profile", field.substr(0, 40)));
    if (!call.caller.agreement.may_retrieve(field)) {
      return refusal(ErrorCode::kPermissionDenied, std::string(agency::kFieldNotAgreed),
                     fmt::format("fields.{}: agreement {} does not let this agency receive it", field, call.caller.agreement.number));
    }
    if (std::find(wanted.begin(), wanted.end(), field) == wanted.end()) wanted.push_back(field);
  }
  std::string touched;
  for (const auto& f : wanted) touched += (touched.empty() ? "" : ",") + f;
  EKTP_ASSIGN_OR_RETURN(auto person, resident(s, call));
  if (!person) {
    return recorded(s, call, "agency.retrieve", fmt::format("fields {}; not found", touched), object{{"nik_found", false}}, false);
  }
  EKTP_RETURN_IF_ERROR(within_agreed_region(call.caller.agreement, *person));
  object values;
  for (const auto& f : wanted) {
    EKTP_ASSIGN_OR_RETURN(auto value, agency::profile_field_value(*person, f));
    values[f] = value;
  }
  return recorded(s, call, "agency.retrieve", fmt::format("fields {}", touched),
                  object{{"nik_found", true}, {"fields", std::move(values)}}, true);
}

}  // namespace

void add_agency_routes(Router& router, ApiServices& s) {
  router.add("POST", "/api/v1/agency/verify", guarded([&s](const HttpRequest& request) { return verify(s, request); }));
  router.add("POST", "/api/v1/agency/retrieve", guarded([&s](const HttpRequest& request) { return retrieve(s, request); }));
}

}  // namespace ektp::api
