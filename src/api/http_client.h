// A small blocking HTTP/1.1 client (Boost.Beast over OpenSSL) for a station talking to central and
// for central sending agencies' webhooks: one request per connection, never a redirect followed, a
// bounded response body, and where asked a deadline for the whole exchange.
// https:// verifies the server (a pinned key, or a CA file and the host name, or the system's
// CAs); plain http:// is refused except to this machine (127.0.0.0/8, ::1, localhost).
// Thread-safe: no shared state.
#pragma once

#include <chrono>
#include <functional>
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
  // When set, every address the host resolves to must pass it, or nothing is sent
  // (kPermissionDenied): agencies' webhooks never reach into central's own network.
  std::function<bool(std::string_view address)> address_allowed = {};
  // Whether `timeout` bounds the whole exchange, from connect to the last byte read (webhooks: a
  // slow receiver is a failed attempt). Without it, connecting, sending and reading wait as long
  // as the connection stays open — what stations have always had toward central, whose uploads of
  // up to 64 MiB on a slow link may take longer than any fixed deadline.
  bool deadline = false;
};

// `base_url` is "https://host:port" (or "http://127.0.0.1:port"). kUnavailable when central
// cannot be reached or the exchange breaks or times out; kPermissionDenied when the server is not
// the one trusted (certificate or pin) or an address is not allowed; kInvalidArgument for a bad
// URL or plain http elsewhere. A bracketed IPv6 host ("https://[2001:db8::1]:443") is understood.
Result<ClientResponse> http_exchange(std::string_view base_url, const ClientRequest& request,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                     std::size_t response_bytes_max = 64 << 20, const TlsTrust& trust = {});


}  // namespace ektp::api
