// Bearer-token authentication shared by every route file: who is asking, and may they do this.
#pragma once

#include <chrono>

#include <fmt/format.h>

#include "api/api_services.h"
#include "api/http.h"

namespace ektp::api {

// kUnauthenticated without a valid token; kPermissionDenied when `allowed` says no.
inline Result<registry::Session> authenticate_bearer(ApiServices& s, const HttpRequest& request,
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
  return session;
}

inline std::int64_t now_ms(const ApiServices& s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s.clock().time_since_epoch()).count();
}

}  // namespace ektp::api
