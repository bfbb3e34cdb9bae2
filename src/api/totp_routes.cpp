#include "api/totp_routes.h"

#include <boost/json.hpp>

#include "api/qr_svg.h"
#include "api/route_support.h"
#include "access/totp.h"

namespace ektp::api {

namespace {

using boost::json::object;

constexpr std::size_t kBodyBytesMax = 1 << 10;

std::string token_of(const HttpRequest& request) { return request.authorization.substr(7); }

Result<HttpResponse> totp_state(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, nullptr));
  EKTP_ASSIGN_OR_RETURN(auto state, s.auth.totp_state(session.username));
  return json_response(object{{"enrolled", state.enrolled},
                              {"required", state.required},
                              {"second_factor_pending", session.second_factor_pending}});
}

Result<HttpResponse> begin_totp(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, nullptr));
  EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kBodyBytesMax));
  EKTP_RETURN_IF_ERROR(json::only_fields(body, {"password"}));
  EKTP_ASSIGN_OR_RETURN(auto password, json::required_string(body, "password"));
  auto enrolment = s.auth.begin_totp(token_of(request), password, s.clock());
  if (!enrolment && enrolment.error().reason == access::totp_reason::kPasswordWrong) {
    EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "totp.begin_failed", session.username,
                                         request.client_address}));
  }
  if (!enrolment) return std::unexpected(enrolment.error());
  EKTP_ASSIGN_OR_RETURN(auto modules, qr_modules(enrolment->uri));
  EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "totp.begin", session.username,
                                       request.client_address}));
  // Shown once: the server keeps the secret sealed and never answers it again.
  return json_response(object{{"secret", enrolment->secret_base32},
                              {"uri", enrolment->uri},
                              {"qr_svg", qr_svg(modules)}});
}

Result<HttpResponse> confirm_totp(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, nullptr));
  EKTP_ASSIGN_OR_RETURN(auto body, json_object_body(request, kBodyBytesMax));
  EKTP_RETURN_IF_ERROR(json::only_fields(body, {"code"}));
  EKTP_ASSIGN_OR_RETURN(auto code, json::required_string(body, "code"));
  auto confirmed = s.auth.confirm_totp(token_of(request), code, s.clock());
  EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, confirmed ? "totp.confirm" : "totp.confirm_failed",
                                       session.username, request.client_address}));
  EKTP_RETURN_IF_ERROR(confirmed);
  return json_response(object{{"enrolled", true}});
}

Result<HttpResponse> reset_totp(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_manage_users));
  const auto& username = request.path_params.at("username");
  EKTP_RETURN_IF_ERROR(access::validate_username(username));
  EKTP_RETURN_IF_ERROR(s.auth.reset_totp(username));
  EKTP_RETURN_IF_ERROR(s.audit.record({now_ms(s), session.username, "user.totp_reset", username, ""}));
  return HttpResponse{204, "application/json", "", {}, {}};
}

}  // namespace

void add_totp_routes(Router& router, ApiServices& services) {
  ApiServices* s = &services;
  router.add("GET", "/api/v1/auth/totp", guarded([s](const HttpRequest& r) { return totp_state(*s, r); }));
  router.add("POST", "/api/v1/auth/totp", guarded([s](const HttpRequest& r) { return begin_totp(*s, r); }));
  router.add("POST", "/api/v1/auth/totp/confirm", guarded([s](const HttpRequest& r) { return confirm_totp(*s, r); }));
  router.add("DELETE", "/api/v1/users/{username}/totp", guarded([s](const HttpRequest& r) { return reset_totp(*s, r); }));
}

}  // namespace ektp::api
