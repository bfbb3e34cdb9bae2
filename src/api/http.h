// The HTTP vocabulary shared by the server and the handlers: requests, responses, routes, and the
// mapping from ektp errors to JSON error responses. Handlers never see Boost.Beast; only
// http_server.cpp does, which keeps Beast out of every other translation unit.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "core/error.h"

namespace ektp::api {

struct HttpRequest {
  std::string method;          // "GET", "POST", …
  std::string target;          // as received, with the query string
  std::string path;            // percent-decoded path without the query
  std::map<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> path_params;  // filled by the router: {nik} → "3327…"
  std::string body;
  std::string content_type;
  std::string authorization;   // the Authorization header, if any
  std::map<std::string, std::string> headers;  // X-Ektp-* headers, names in lower case
  std::string client_address;  // peer IP
};

struct HttpResponse;

// Keeps an answer back until something it depends on is done, without holding a thread: once the
// handler has returned, the server calls gate(release) and sends, when release is called, the
// answer the handler returned for an ok Status, error_response(error) for an error, or the answer
// release is given instead (an answer that can be made only then: agency calls answer with the
// quota their group commit counted). Reads use it to wait for the commit of their audit record
// (access/audit_log.h). release may run on any thread, once.
class ResponseRelease {
 public:
  using Send = std::function<void(Status, std::optional<HttpResponse>)>;
  explicit ResponseRelease(Send send);
  void operator()(Status status) const;        // the held answer, or error_response(error)
  void operator()(HttpResponse answer) const;  // this answer instead of the held one

 private:
  Send send_;
};
using ResponseGate = std::function<void(ResponseRelease)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  ResponseGate gate;  // empty: send at once
};

// For callers without an event loop (tests, tools): waits for a gated response's release and
// returns what the server would send.
HttpResponse settle(HttpResponse response);

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Routes "METHOD /api/v1/persons/{nik}/history" patterns to handlers; {name} segments match one
// path segment and land in path_params. Thread-safe for lookups once routes are added.
class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  // nullptr when nothing matches; `method_allowed` tells 404 from 405.
  // On a match, fills request.path_params and sets method_allowed = true. On nullptr,
  // method_allowed is false when some route has this path under another method (→ 405) and true
  // when no route has this path at all (→ 404).
  const Handler* match(HttpRequest& request, bool& method_allowed) const;
  // The methods routed for `path`, sorted ("GET", "POST"); empty when no route has this path.
  // Used for the Allow header of a 405.
  std::vector<std::string> allowed_methods(std::string_view path) const;
  // Every route in the order added, as (method, pattern) exactly as given to add():
  // ("GET", "/api/v1/persons/{nik}"). For the check of the routes against docs/openapi.json.
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// HTTP status for an error code (the only place in ektp that chooses one): invalid_argument →
// 400, unauthenticated → 401, permission_denied → 403, not_found → 404, already_exists and
// aborted and failed_precondition → 409, resource_exhausted → 413 or 429 (see message), …
int http_status_for(ErrorCode code);
// Like the above, but resource_exhausted is 413 when the message says a payload is too large
// (starts with "payload" or contains "too large") and 429 otherwise.
int http_status_for(const Error& error);

// {"error":{"code":"invalid_argument","message":"…"}} with the matching status.
HttpResponse error_response(const Error& error);
HttpResponse error_response(int status, std::string_view code, std::string_view message);
HttpResponse json_response(const boost::json::value& body, int status = 200);

// Parses a JSON request body under the limits of core/limits.h (size, nesting depth); the error
// says what was wrong ("JSON body is truncated at byte 57", "JSON nests deeper than 32 levels").
Result<boost::json::value> parse_json_body(std::string_view body);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, for query strings). Invalid
// escapes ("%4", "%zz") and an encoded NUL are invalid_argument.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// Splits request.target ("/api/v1/persons?name=Siti%20A") into the decoded request.path and
// request.query. The target must be origin-form (start with '/'); bad escapes are
// invalid_argument. A repeated query key keeps its first value.
Status parse_request_target(HttpRequest& request);

}  // namespace ektp::api
