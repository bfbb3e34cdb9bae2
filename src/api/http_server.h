// The HTTP server: Boost.Beast over a small thread pool. Enforces limits before any handler runs
// (header and body size → 413, read timeout, per-client rate limit → 429), serves static files
// from a web root for non-API paths, and turns a handler exception into a logged 500.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

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
  // Stops accepting, finishes in-flight requests, joins the threads. Idempotent.
  void stop();
  // Blocks until SIGINT/SIGTERM, then stops.
  void run_until_signal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ektp::api
