// A small blocking HTTP/1.1 client (Boost.Beast) for a station talking to central: one request
// per connection, a deadline for the whole exchange, a bounded response body. Plain http only
// for now (TLS termination in front of central is planned). Thread-safe: no shared state.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

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

// `base_url` is "http://host:port". kUnavailable when central cannot be reached or the
// exchange breaks or times out; kInvalidArgument for a bad URL.
Result<ClientResponse> http_exchange(std::string_view base_url, const ClientRequest& request,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                     std::size_t response_bytes_max = 64 << 20);

}  // namespace ektp::api
