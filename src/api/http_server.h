// The HTTP(S) server: Boost.Beast (over OpenSSL for TLS) on a small thread pool. Enforces limits
// before any handler runs (connections per address, header and body size → 413, read timeout,
// per-client rate limit → 429, malformed framing → 400 and close), serves static files
// from a web root for non-API paths, and turns a handler exception into a logged 500.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/http.h"
#include "core/error.h"

namespace ektp::api {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;   // 0 = pick a free port (tests)
  int threads = 2;
  std::filesystem::path web_root;  // empty = no static files
  std::size_t body_bytes_max = 0;  // 0 = limits::request_body_bytes_max
  std::uint32_t rate_limit_requests_per_s = 0;  // 0 = limits::rate_limit_requests_per_s
  // TLS: both set = HTTPS only (TLS 1.2 and 1.3, ECDHE with AES-GCM or ChaCha20-Poly1305; a
  // client speaking plain HTTP or an older TLS is refused at the handshake). Both empty = plain
  // HTTP, which start() allows only on a loopback address unless allow_plain_http_anywhere.
  std::filesystem::path tls_certificate_file;  // PEM chain, leaf first
  std::filesystem::path tls_private_key_file;  // PEM; must not be readable by others
  bool allow_plain_http_anywhere = false;
  // Open connections from one client address at once; past this a new one is closed at once.
  std::size_t connections_per_address_max = 0;  // 0 = limits::connections_per_address_max
  // Uploads (/api/v1/sync/…, /api/v1/station/…) may send bodies far above body_bytes_max. Before
  // such a body is read, the caller must be known: the gate gets the request's headers (method,
  // target, Authorization, X-Ektp-*; no body) and says whether this caller may upload; without a
  // gate, the credential headers must at least be present. Refused: 401 and the connection closed.
  std::function<bool(const HttpRequest& headers_only)> upload_gate;
  // Reverse proxies whose X-Forwarded-For names the client (its last address is taken as the
  // client's, for rate limits, audit and connection counts of requests); anyone else's is ignored.
  std::vector<std::string> trusted_proxies;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, std::shared_ptr<const Router> router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the worker threads; returns once accepting (error if the port is taken).
  Status start();
  std::uint16_t port() const;  // the bound port (useful with port 0)
  bool tls() const;             // serving HTTPS
  // Stops accepting, finishes in-flight requests, joins the threads. Idempotent.
  void stop();
  // Blocks until SIGINT/SIGTERM, then stops.
  void run_until_signal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ektp::api
