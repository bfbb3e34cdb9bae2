// Internal to src/api: what the server does with one parsed request, kept apart from Beast so it
// compiles fast and can be tested without sockets. Order: per-client rate limit (429 with
// Retry-After), target decoding (400), then /api/… to the Router (404, 405 with Allow) and every
// other path to the static files (GET and HEAD only). Handler exceptions propagate to the
// caller, the session, which owns the one top-level catch. Thread-safe: const after
// construction, and the rate limiter locks itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "api/http.h"
#include "api/rate_limiter.h"

namespace ektp::api::detail {

class Dispatcher {
 public:
  // `web_root` empty = no static files (404 for every non-API path).
  Dispatcher(std::shared_ptr<const Router> router, std::filesystem::path web_root,
             std::uint32_t rate_limit_requests_per_s);

  HttpResponse respond(HttpRequest& request) const;

 private:
  HttpResponse respond_api(HttpRequest& request) const;
  HttpResponse respond_static(const HttpRequest& request) const;

  const std::shared_ptr<const Router> router_;
  const std::filesystem::path web_root_;
  const std::uint32_t rate_limit_requests_per_s_;
  mutable RateLimiter rate_limiter_;
};

// What the session checks before handing a handler's response to Beast: a status in 100..999,
// and no CR, LF or NUL in the content type or any header (a header built from user input must
// not inject another). internal when not; the session logs it and answers 500 instead.
Status check_response(const HttpResponse& response);

}  // namespace ektp::api::detail
