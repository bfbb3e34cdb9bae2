#include "api/dispatch.h"

#include <algorithm>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "api/static_files.h"
#include "core/assert.h"

namespace ektp::api::detail {
namespace {

HttpResponse with_header(HttpResponse response, std::string name, std::string value) {
  response.headers.emplace_back(std::move(name), std::move(value));
  return response;
}

bool is_api_path(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

bool is_header_safe(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

Dispatcher::Dispatcher(std::shared_ptr<const Router> router, std::filesystem::path web_root,
                       std::uint32_t rate_limit_requests_per_s)
    : router_(std::move(router)),
      web_root_(std::move(web_root)),
      rate_limit_requests_per_s_(rate_limit_requests_per_s),
      rate_limiter_(rate_limit_requests_per_s) {
  EKTP_ASSERT(router_ != nullptr);
}

HttpResponse Dispatcher::respond(HttpRequest& request) const {
  const RateLimiter::Decision decision = rate_limiter_.acquire(request.client_address);
  if (!decision.allowed) {
    const std::int64_t retry_after_s =
        std::max<std::int64_t>(1, (decision.retry_after.count() + 999) / 1000);
    return with_header(
        error_response(Error{ErrorCode::kResourceExhausted,
                             fmt::format("rate limit of {} requests per second exceeded; "
                                         "retry after {} s",
                                         rate_limit_requests_per_s_, retry_after_s)}),
        "Retry-After", std::to_string(retry_after_s));
  }
  if (Status parsed = parse_request_target(request); !parsed) {
    return error_response(parsed.error());
  }
  return is_api_path(request.path) ? respond_api(request) : respond_static(request);
}

HttpResponse Dispatcher::respond_api(HttpRequest& request) const {
  bool method_allowed = false;
  const Handler* handler = router_->match(request, method_allowed);
  if (handler == nullptr && request.method == "HEAD") {
    // HEAD is GET without the body; the session drops the body.
    HttpRequest as_get = request;
    as_get.method = "GET";
    bool get_allowed = false;
    if (const Handler* get = router_->match(as_get, get_allowed); get != nullptr) {
      return (*get)(as_get);
    }
  }
  if (handler != nullptr) return (*handler)(request);
  if (method_allowed) {
    return error_response(404, "not_found", fmt::format("no API route {}", request.path));
  }
  std::string allow;
  for (const std::string& method : router_->allowed_methods(request.path)) {
    allow += allow.empty() ? method : ", " + method;
  }
  return with_header(error_response(405, "method_not_allowed",
                                    fmt::format("{} is not allowed on {}; allowed: {}",
                                                request.method, request.path, allow)),
                     "Allow", allow);
}

HttpResponse Dispatcher::respond_static(const HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    return with_header(error_response(405, "method_not_allowed",
                                      fmt::format("{} is not allowed on static files",
                                                  request.method)),
                       "Allow", "GET, HEAD");
  }
  if (web_root_.empty()) {
    return error_response(404, "not_found", fmt::format("no such path {}", request.path));
  }
  Result<HttpResponse> file = serve_static_file(web_root_, request.path);
  if (!file) return error_response(file.error());
  return std::move(*file);
}

Status check_response(const HttpResponse& response) {
  if (response.status < 100 || response.status > 999) {
    return make_error(ErrorCode::kInternal, fmt::format("status {}", response.status));
  }
  if (!is_header_safe(response.content_type)) {
    return make_error(ErrorCode::kInternal, "CR, LF or NUL in the content type");
  }
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !is_header_safe(name) || !is_header_safe(value) ||
        name.find(':') != std::string::npos) {
      return make_error(ErrorCode::kInternal, fmt::format("bad header '{}'", name));
    }
  }
  return {};
}

}  // namespace ektp::api::detail
