// What every route file shares: bearer-token authentication (who is asking, may they do this),
// the JSON object of a body, and handlers written as Result<HttpResponse> functions.
#pragma once

#include <chrono>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "api/api_services.h"
#include "api/http.h"
#include "registry/json_fields.h"
#include "access/sha256.h"
#include "access/totp.h"

namespace ektp::api {

// kUnauthenticated without a valid token; kPermissionDenied when `allowed` says no.
inline Result<access::Session> authenticate_bearer(ApiServices& s, const HttpRequest& request,
                                                     bool (*allowed)(Role)) {
  constexpr std::string_view kBearer = "Bearer ";
  if (!request.authorization.starts_with(kBearer)) {
    return make_error(ErrorCode::kUnauthenticated, "missing bearer token; log in first");
  }
  auto session = s.auth.authenticate(request.authorization.substr(kBearer.size()), s.clock());
  if (!session) return session;
  if (allowed != nullptr && !allowed(session->role)) {
    return make_error(ErrorCode::kPermissionDenied, fmt::format("role {} may not do this", role_id(session->role)));
  }
  // An adjudicator or admin account awaiting its second admin's approval does nothing its role
  // allows (it may still log in and change its password: the routes with no role check).
  if (allowed != nullptr && !session->approved && access::needs_second_approval(session->role)) {
    return refusal(ErrorCode::kPermissionDenied, std::string(access::staff_reason::kPendingApproval),
                   fmt::format("account '{}' awaits a second admin's approval", session->username));
  }
  // A session made with the password alone, for a role that must have a second factor: it may
  // enrol one (the routes with no role check), nothing else.
  if (allowed != nullptr && session->second_factor_pending) {
    return refusal(ErrorCode::kPermissionDenied, std::string(access::totp_reason::kEnrolmentRequired),
                   fmt::format("'{}' must enrol a second factor (TOTP) first", session->username));
  }
  return session;
}

// A handler written as `Result<HttpResponse>(const HttpRequest&)`: an error becomes its JSON
// error response with the matching status.
template <class F>
Handler guarded(F f) {
  return [f](const HttpRequest& request) -> HttpResponse {
    auto result = f(request);
    if (!result) return error_response(result.error());
    return std::move(*result);
  };
}

// The request body as a JSON object, up to `bytes_max` (uploads with images allow more than
// the default JSON limit).
inline Result<boost::json::object> json_object_body(const HttpRequest& request, std::size_t bytes_max) {
  EKTP_ASSIGN_OR_RETURN(auto body, json::parse_json_text(request.body, bytes_max, "body"));
  if (!body.is_object()) return invalid_argument("body: must be a JSON object");
  return std::move(body.as_object());
}

// What every civil-event POST starts with: an author who may record events, the JSON body, its
// idempotency key, and the write context (key + a hash of the body, so a reused key with another
// body is refused).
struct EventRequest {
  access::Session session;
  boost::json::object body;
  registry::WriteContext ctx;
};

inline Result<EventRequest> event_request(ApiServices& s, const HttpRequest& request) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate_bearer(s, request, can_record_events));
  EKTP_ASSIGN_OR_RETURN(auto body, parse_json_body(request.body));
  EKTP_ASSIGN_OR_RETURN(auto object_body, json::as_object(body, "body"));
  EKTP_ASSIGN_OR_RETURN(auto key, json::required_string(*object_body, "idempotency_key"));
  registry::WriteContext ctx{{session.username, session.role}, s.clock(), key,
                             access::sha256_hex(boost::json::serialize(body))};
  return EventRequest{session, *object_body, std::move(ctx)};
}

// A text field of at most `bytes_max` bytes; kInvalidArgument naming it when it is too long, not a
// text, or — when `required` — absent or empty (absent and not required: "").
inline Result<std::string> bounded_text(const boost::json::object& body, std::string_view field, std::size_t bytes_max,
                                        bool required = true) {
  EKTP_ASSIGN_OR_RETURN(auto text, json::optional_string(body, field));
  if (!text || text->empty()) {
    if (required) return invalid_argument(fmt::format("{}: is required", field));
    return std::string();
  }
  if (text->size() > bytes_max) return invalid_argument(fmt::format("{}: at most {} bytes", field, bytes_max));
  return std::move(*text);
}

// Milliseconds since the epoch as ISO 8601 in UTC, to the second ("2026-12-04T01:02:03Z").
inline std::string iso_time_ms(std::int64_t ms) {
  auto t = std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms));
  return fmt::format("{:%FT%TZ}", std::chrono::floor<std::chrono::seconds>(t));
}

inline std::int64_t now_ms(const ApiServices& s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s.clock().time_since_epoch()).count();
}

}  // namespace ektp::api
