// The admin's side of agency access (docs/api.md, "Agencies"): registering an agency, its
// agreements (PKS) and its API keys — issued (the key shown once), listed without secrets,
// revoked, suspended and resumed — and the public list of every agency with access, its purposes
// and the fields it may see. Admins only (the public list: anyone); each change is audited by
// src/agency.
#include "api/agency_routes.h"

#include <chrono>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "api/route_support.h"
#include "core/civil_date.h"

namespace ektp::api {

namespace {

using boost::json::array;
using boost::json::object;

constexpr std::size_t kAdminBodyBytesMax = 32 * 1024;
constexpr std::size_t kListItemsMax = 200;

bool is_admin(Role role) { return role == Role::kAdmin; }

Result<agency::AgencyChange> admin_change(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, is_admin));
  return agency::AgencyChange{session.username, now_ms(s)};
}

Result<std::vector<std::string>> texts_of(const object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (v == nullptr) return std::vector<std::string>{};
  if (!v->is_array() || v->as_array().size() > kListItemsMax) {
    return invalid_argument(fmt::format("{}: a list of at most {} texts", key, kListItemsMax));
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->as_array().size(); ++i) {
    const auto& item = v->as_array()[i];
    if (!item.is_string() || item.as_string().size() > 256) return invalid_argument(fmt::format("{}[{}]: a text", key, i));
    out.emplace_back(item.as_string());
  }
  return out;
}

// A Jakarta calendar day's first millisecond; `next` gives the day after's (an agreement's last
// day is in force until its end).
Result<std::int64_t> day_ms(const object& body, std::string_view key, bool next) {
  EKTP_ASSIGN_OR_RETURN(auto date, json::required_date(body, key));
  return jakarta_day_start_ms(std::chrono::sys_days{date}.time_since_epoch().count() + (next ? 1 : 0));
}

Result<agency::Agreement> agreement_of(const object& body, std::string_view agency_code) {
  agency::Agreement out;
  out.agency_code = std::string(agency_code);
  EKTP_ASSIGN_OR_RETURN(out.number, bounded_text(body, "number", agency::agency_limits::number_bytes_max));
  EKTP_ASSIGN_OR_RETURN(out.purposes, texts_of(body, "purposes"));
  EKTP_ASSIGN_OR_RETURN(auto verify, texts_of(body, "verify_fields"));
  EKTP_ASSIGN_OR_RETURN(auto retrieve, texts_of(body, "retrieve_fields"));
  out.verify_fields = {verify.begin(), verify.end()};
  out.retrieve_fields = {retrieve.begin(), retrieve.end()};
  EKTP_ASSIGN_OR_RETURN(auto operations, texts_of(body, "operations"));
  for (std::size_t i = 0; i < operations.size(); ++i) {
    auto op = agency::parse_agency_operation(operations[i]);
    if (!op) return invalid_argument(fmt::format("operations[{}]: {}", i, op.error().message));
    out.operations.insert(*op);
  }
  EKTP_ASSIGN_OR_RETURN(out.regions, texts_of(body, "regions"));
  if (const auto* v = body.if_contains("name_score")) {
    if (!v->is_bool()) return invalid_argument("name_score: true or false");
    out.name_score = v->as_bool();
  }
  EKTP_ASSIGN_OR_RETURN(out.daily_quota, json::required_int(body, "daily_quota"));
  EKTP_ASSIGN_OR_RETURN(out.valid_from_ms, day_ms(body, "valid_from", false));
  EKTP_ASSIGN_OR_RETURN(out.valid_until_ms, day_ms(body, "valid_until", true));
  return out;
}

array strings(const std::vector<std::string>& items) {
  array out;
  for (const auto& i : items) out.push_back(boost::json::string(i));
  return out;
}

}  // namespace

void add_agency_admin_routes(Router& router, ApiServices& s) {
  router.add("POST", "/api/v1/admin/agencies", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto change, admin_change(s, request));
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kAdminBodyBytesMax));
               agency::Agency made;
               EKTP_ASSIGN_OR_RETURN(made.code, bounded_text(body, "code", agency::agency_limits::code_bytes_max));
               EKTP_ASSIGN_OR_RETURN(made.name, bounded_text(body, "name", agency::agency_limits::name_bytes_max));
               EKTP_ASSIGN_OR_RETURN(auto kind, bounded_text(body, "kind", 32));
               EKTP_ASSIGN_OR_RETURN(made.kind, agency::parse_agency_kind(kind));
               EKTP_RETURN_IF_ERROR(agency::create_agency(s.db, made, change));
               return json_response(object{{"code", made.code}, {"name", made.name}, {"kind", kind}}, 201);
             }));
  router.add("POST", "/api/v1/admin/agencies/{code}/agreements",
             guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto change, admin_change(s, request));
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kAdminBodyBytesMax));
               EKTP_ASSIGN_OR_RETURN(auto agreement, agreement_of(body, request.path_params.at("code")));
               EKTP_ASSIGN_OR_RETURN(auto id, agency::add_agreement(s.db, agreement, change));
               return json_response(object{{"id", id}, {"number", agreement.number}}, 201);
             }));
  router.add("POST", "/api/v1/admin/agencies/{code}/keys", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto change, admin_change(s, request));
               EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kAdminBodyBytesMax));
               EKTP_ASSIGN_OR_RETURN(auto label, bounded_text(body, "label", agency::kKeyLabelBytesMax, false));
               EKTP_ASSIGN_OR_RETURN(auto issued, agency::issue_api_key(s.db, request.path_params.at("code"), label, change));
               // Shown once: only its hash is kept.
               return json_response(object{{"key_id", issued.key_id}, {"key", issued.secret}}, 201);
             }));
  router.add("GET", "/api/v1/admin/agencies/{code}/keys", guarded([&s](const HttpRequest& request) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto change, admin_change(s, request));
               (void)change;
               EKTP_ASSIGN_OR_RETURN(auto keys, store::with_read_transaction<std::vector<agency::ApiKeyInfo>>(
                                                    s.db, [&](store::Connection& c) {
                                                      return agency::api_keys_of(c, request.path_params.at("code"));
                                                    }));
               array out;
               for (const auto& k : keys) {
                 out.push_back(object{{"key_id", k.key_id}, {"label", k.label}, {"issued_at_ms", k.issued_at_ms},
                                      {"revoked_at_ms", k.revoked_at_ms}, {"suspended", k.suspended},
                                      {"suspended_reason", k.suspended_reason}});
               }
               return json_response(object{{"keys", out}});
             }));
  for (const std::string action : {"revoke", "suspend", "resume"}) {
    router.add("POST", "/api/v1/admin/agency-keys/{key_id}/" + action,
               guarded([&s, action](const HttpRequest& request) -> Result<HttpResponse> {
                 EKTP_ASSIGN_OR_RETURN(auto change, admin_change(s, request));
                 const auto& key_id = request.path_params.at("key_id");
                 if (action == "revoke") {
                   EKTP_RETURN_IF_ERROR(agency::revoke_api_key(s.db, key_id, change));
                 } else if (action == "resume") {
                   EKTP_RETURN_IF_ERROR(agency::resume_api_key(s.db, key_id, change));
                 } else {
                   EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kAdminBodyBytesMax));
                   EKTP_ASSIGN_OR_RETURN(auto reason, bounded_text(body, "reason", agency::kSuspendReasonBytesMax));
                   EKTP_RETURN_IF_ERROR(agency::suspend_api_key(s.db, key_id, reason, change));
                 }
                 return json_response(object{{"key_id", key_id}, {"done", action}});
               }));
  }
  // Public: who may see what, and why.
  router.add("GET", "/api/v1/agencies", guarded([&s](const HttpRequest&) -> Result<HttpResponse> {
               EKTP_ASSIGN_OR_RETURN(auto agencies, store::with_read_transaction<std::vector<agency::PublicAgency>>(
                                                        s.db, [](store::Connection& c) { return agency::list_agencies(c); }));
               array out;
               for (const auto& a : agencies) {
                 array agreements;
                 for (const auto& g : a.agreements) {
                   agreements.push_back(object{{"number", g.number},
                                               {"purposes", strings(g.purposes)},
                                               {"verify_fields", strings(g.verify_fields)},
                                               {"retrieve_fields", strings(g.retrieve_fields)},
                                               {"operations", strings(g.operations)},
                                               {"regions", strings(g.regions)},
                                               {"valid_from_ms", g.valid_from_ms},
                                               {"valid_until_ms", g.valid_until_ms}});
                 }
                 out.push_back(object{{"code", a.code}, {"name", a.name}, {"kind", a.kind}, {"agreements", agreements}});
               }
               return json_response(object{{"agencies", out}});
             }));
}

}  // namespace ektp::api
