// A small blocking HTTP/1.1 client (Boost.Beast over OpenSSL) for a station talking to central:
// one request per connection, a deadline for the whole exchange, a bounded response body.
// https:// verifies the server (a pinned key, or a CA file and the host name, or the system's
// CAs); plain http:// is refused except to this machine (127.0.0.0/8, ::1, localhost).
// Thread-safe: no shared state.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/tls_trust.h"
#include "core/error.h"

namespace ektp::api {

struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // X-Ektp-* headers, names in lower case
};

struct ClientRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
};

// `base_url` is "https://host:port" (or "http://127.0.0.1:port"). kUnavailable when central
// cannot be reached or the exchange breaks or times out; kPermissionDenied when the server is not
// the one trusted (certificate or pin); kInvalidArgument for a bad URL or plain http elsewhere.
Result<ClientResponse> http_exchange(std::string_view base_url, const ClientRequest& request,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                     std::size_t response_bytes_max = 64 << 20, const TlsTrust& trust = {});


}  // namespace ektp::api
