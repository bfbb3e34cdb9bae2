#include "api/user_routes.h"

#include <type_traits>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "api/route_support.h"
#include "access/staff.h"
#include "core/limits.h"

namespace ektp::api {

namespace {

using boost::json::object;

// Records an audit entry and reports whether it was accepted, whichever shape the writer's
// record() has (void, or a Status).
template <class Writer>
Status audit(Writer& writer, access::AuditEntry entry) {
  if constexpr (std::is_void_v<decltype(writer.record(std::move(entry)))>) {
    writer.record(std::move(entry));
    return {};
  } else {
    return writer.record(std::move(entry));
  }
}

Result<std::string> target_username(const HttpRequest& request) {
  const auto& username = request.path_params.at("username");
  EKTP_RETURN_IF_ERROR(access::validate_username(username));
  return username;
}

Result<object> small_body(const HttpRequest& request, std::initializer_list<std::string_view> fields) {
  EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, 4 << 10));
  EKTP_RETURN_IF_ERROR(json::only_fields(body, fields));
  return body;
}

HttpResponse no_content() { return HttpResponse{204, "application/json", "", {}, {}}; }

Result<HttpResponse> set_active(ApiServices& s, const HttpRequest& request, bool active) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  EKTP_ASSIGN_OR_RETURN(auto username, target_username(request));
  if (!active && username == session.username) {
    return failed_precondition("an administrator may not deactivate their own account");
  }
  EKTP_RETURN_IF_ERROR(s.auth.set_active(username, active));
  EKTP_RETURN_IF_ERROR(audit(s.audit, {now_ms(s), session.username, active ? "user.activate" : "user.deactivate",
                                       username, ""}));
  return json_response(object{{"username", username}, {"active", active}});
}

// The person fields of a body: "nik" and, optionally, "staff_number" (validated by AuthService).
Result<access::StaffPerson> person_fields(const object& body) {
  access::StaffPerson person;
  EKTP_ASSIGN_OR_RETURN(auto nik, json::optional_string(body, "nik"));
  EKTP_ASSIGN_OR_RETURN(auto staff_number, json::optional_string(body, "staff_number"));
  if (nik && nik->size() > 16) return invalid_argument("nik: 16 digits");
  if (staff_number && staff_number->size() > access::kStaffNumberBytesMax) {
    return invalid_argument(fmt::format("staff_number: at most {} characters", access::kStaffNumberBytesMax));
  }
  person.nik = nik.value_or("");
  person.staff_number = staff_number.value_or("");
  return person;
}

object staff_json(const access::StaffRecord& staff) {
  return object{{"username", staff.username},
                {"role", role_id(staff.role)},
                {"active", staff.active},
                {"nik", staff.person.nik},
                {"staff_number", staff.person.staff_number},
                {"approval", access::approval_id(staff.approval)},
                {"requested_by", staff.approval_requested_by},
                {"approved_by", staff.approved_by}};
}

// Creating an account is audited by AuthService in the same transaction (`user.create`).
Result<HttpResponse> add_user(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  EKTP_ASSIGN_OR_RETURN(auto body,
                        small_body(request, {"username", "password", "role", "nik", "staff_number", "office_region"}));
  EKTP_ASSIGN_OR_RETURN(auto username, json::required_string(body, "username"));
  EKTP_ASSIGN_OR_RETURN(auto password, json::required_string(body, "password"));
  EKTP_ASSIGN_OR_RETURN(auto role_text, json::required_string(body, "role"));
  EKTP_ASSIGN_OR_RETURN(auto role, parse_role(role_text));
  EKTP_ASSIGN_OR_RETURN(auto person, person_fields(body));
  EKTP_ASSIGN_OR_RETURN(auto office_field, json::optional_string(body, "office_region"));
  const std::string office = office_field.value_or("");
  if (!office.empty()) {
    EKTP_RETURN_IF_ERROR(access::validate_office_region(office));
    if (s.regions.find(office) == nullptr) return not_found(fmt::format("office_region: no region {}", office));
  }
  EKTP_ASSIGN_OR_RETURN(auto approval, s.auth.create_user(access::NewUser{username, password, role, person,
                                                                          session.username},
                                                          s.clock()));
  if (!office.empty()) EKTP_RETURN_IF_ERROR(s.auth.set_office_region(username, office, s.clock()));
  return json_response(object{{"username", username}, {"role", role_id(role)},
                              {"approval", access::approval_id(approval)}, {"office_region", office}},
                       201);
}

Result<HttpResponse> list_users(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  bool pending_only = false;
  if (auto it = request.query.find("approval"); it != request.query.end()) {
    EKTP_ASSIGN_OR_RETURN(auto approval, access::parse_approval(it->second));
    pending_only = approval == access::Approval::kPending;
    if (!pending_only) return invalid_argument("approval: only pending_approval filters the list");
  }
  EKTP_ASSIGN_OR_RETURN(auto staff, store::with_read_transaction<std::vector<access::StaffRecord>>(
                                        s.db, [&](store::Connection& c) { return access::list_staff(c, pending_only); }));
  boost::json::array users;
  for (const auto& one : staff) users.push_back(staff_json(one));
  // The list shows staff members' own NIKs: a read of personal data.
  EKTP_RETURN_IF_ERROR(audit(s.audit, {now_ms(s), session.username, "user.list", "",
                                       pending_only ? "pending_approval" : "all"}));
  return json_response(object{{"users", std::move(users)}});
}

Result<HttpResponse> approve_user(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  EKTP_ASSIGN_OR_RETURN(auto username, target_username(request));
  if (!request.body.empty()) {
    EKTP_RETURN_IF_ERROR(small_body(request, {}));
  }
  EKTP_RETURN_IF_ERROR(s.auth.approve_user(username, session.username, s.clock()));  // audited there
  return json_response(object{{"username", username}, {"approval", "approved"}, {"approved_by", session.username}});
}

Result<HttpResponse> set_person(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  EKTP_ASSIGN_OR_RETURN(auto username, target_username(request));
  EKTP_ASSIGN_OR_RETURN(auto body, small_body(request, {"nik", "staff_number"}));
  EKTP_ASSIGN_OR_RETURN(auto person, person_fields(body));
  EKTP_ASSIGN_OR_RETURN(auto approval, s.auth.set_person(username, person, session.username, s.clock()));
  return json_response(object{{"username", username}, {"approval", access::approval_id(approval)}});
}

Result<HttpResponse> set_role(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  EKTP_ASSIGN_OR_RETURN(auto username, target_username(request));
  EKTP_ASSIGN_OR_RETURN(auto body, small_body(request, {"role"}));
  EKTP_ASSIGN_OR_RETURN(auto role_text, json::required_string(body, "role"));
  EKTP_ASSIGN_OR_RETURN(auto role, parse_role(role_text));
  if (username == session.username && !can_manage_users(role)) {
    return failed_precondition("an administrator may not remove their own administrator role");
  }
  EKTP_ASSIGN_OR_RETURN(auto approval, s.auth.set_role(username, role, session.username));
  EKTP_RETURN_IF_ERROR(audit(s.audit, {now_ms(s), session.username, "user.role", username,
                                       fmt::format("{}, {}", role_id(role), access::approval_id(approval))}));
  return json_response(object{{"username", username}, {"role", role_id(role)},
                              {"approval", access::approval_id(approval)}});
}

Result<HttpResponse> set_office(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  EKTP_ASSIGN_OR_RETURN(auto username, target_username(request));
  EKTP_ASSIGN_OR_RETURN(auto body, small_body(request, {"region_code"}));
  EKTP_ASSIGN_OR_RETURN(auto region_code, json::required_string(body, "region_code"));
  EKTP_RETURN_IF_ERROR(access::validate_office_region(region_code));
  const Region* region = s.regions.find(region_code);
  if (region == nullptr) return not_found(fmt::format("region_code: no region {}", region_code));
  EKTP_RETURN_IF_ERROR(s.auth.set_office_region(username, region_code, s.clock()));
  EKTP_RETURN_IF_ERROR(audit(s.audit, {now_ms(s), session.username, "user.office", username, region_code}));
  return json_response(object{{"username", username}, {"office_region", region_code}, {"office_name", region->name}});
}

Result<HttpResponse> reset_password(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  EKTP_ASSIGN_OR_RETURN(auto username, target_username(request));
  std::string password = access::temporary_password();
  auto reset = s.auth.reset_password(username, password);
  // A random password that happens to contain the username: draw another.
  for (int i = 0; i < 3 && !reset && reset.error().code == ErrorCode::kInvalidArgument; ++i) {
    password = access::temporary_password();
    reset = s.auth.reset_password(username, password);
  }
  EKTP_RETURN_IF_ERROR(reset);
  EKTP_RETURN_IF_ERROR(audit(s.audit, {now_ms(s), session.username, "user.password_reset", username, ""}));
  // Shown once to the administrator, who hands it over; the user then sets their own.
  return json_response(object{{"username", username}, {"temporary_password", password}});
}

Result<HttpResponse> change_own_password(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, nullptr));
  EKTP_ASSIGN_OR_RETURN(auto body, small_body(request, {"current_password", "new_password"}));
  EKTP_ASSIGN_OR_RETURN(auto current, json::required_string(body, "current_password"));
  EKTP_ASSIGN_OR_RETURN(auto next, json::required_string(body, "new_password"));
  auto changed = s.auth.change_password(request.authorization.substr(7), current, next, s.clock());
  if (!changed && changed.error().code == ErrorCode::kUnavailable) {
    auto busy = error_response(changed.error());
    busy.headers.emplace_back("Retry-After", "2");
    return busy;
  }
  if (!changed && changed.error().code == ErrorCode::kUnauthenticated) {
    EKTP_RETURN_IF_ERROR(audit(s.audit, {now_ms(s), session.username, "password_change_failed", session.username,
                                         request.client_address}));
  }
  EKTP_RETURN_IF_ERROR(changed);
  EKTP_RETURN_IF_ERROR(audit(s.audit, {now_ms(s), session.username, "password_change", session.username,
                                       request.client_address}));
  return no_content();
}

Result<HttpResponse> list_sessions(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  EKTP_ASSIGN_OR_RETURN(auto username, target_username(request));
  EKTP_ASSIGN_OR_RETURN(auto sessions, s.auth.list_sessions(username, s.clock()));
  boost::json::array items;
  for (const auto& info : sessions) {
    items.push_back(object{{"id", info.id}, {"created_at", iso_time_ms(info.created_at_ms)},
                           {"expires_at", iso_time_ms(info.expires_at_ms)}});
  }
  EKTP_RETURN_IF_ERROR(audit(s.audit, {now_ms(s), session.username, "user.sessions_read", username, ""}));
  return json_response(object{{"username", username}, {"sessions", std::move(items)}});
}

Result<HttpResponse> revoke_session(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  const auto& id = request.path_params.at("id");
  EKTP_ASSIGN_OR_RETURN(auto owner, s.auth.revoke_session(id));
  EKTP_RETURN_IF_ERROR(audit(s.audit, {now_ms(s), session.username, "session.revoke", owner, id}));
  return no_content();
}

}  // namespace

void add_user_routes(Router& router, ApiServices& services) {
  ApiServices* s = &services;
  router.add("POST", "/api/v1/users", guarded([s](const HttpRequest& r) { return add_user(*s, r); }));
  router.add("GET", "/api/v1/users", guarded([s](const HttpRequest& r) { return list_users(*s, r); }));
  router.add("POST", "/api/v1/users/{username}/approve",
             guarded([s](const HttpRequest& r) { return approve_user(*s, r); }));
  router.add("POST", "/api/v1/users/{username}/person",
             guarded([s](const HttpRequest& r) { return set_person(*s, r); }));
  router.add("POST", "/api/v1/users/{username}/deactivate",
             guarded([s](const HttpRequest& r) { return set_active(*s, r, false); }));
  router.add("POST", "/api/v1/users/{username}/activate",
             guarded([s](const HttpRequest& r) { return set_active(*s, r, true); }));
  router.add("POST", "/api/v1/users/{username}/role", guarded([s](const HttpRequest& r) { return set_role(*s, r); }));
  router.add("POST", "/api/v1/users/{username}/office", guarded([s](const HttpRequest& r) { return set_office(*s, r); }));
  router.add("POST", "/api/v1/users/{username}/password",
             guarded([s](const HttpRequest& r) { return reset_password(*s, r); }));
  router.add("GET", "/api/v1/users/{username}/sessions",
             guarded([s](const HttpRequest& r) { return list_sessions(*s, r); }));
  router.add("DELETE", "/api/v1/sessions/{id}", guarded([s](const HttpRequest& r) { return revoke_session(*s, r); }));
  router.add("POST", "/api/v1/auth/password", guarded([s](const HttpRequest& r) { return change_own_password(*s, r); }));
}

}  // namespace ektp::api
