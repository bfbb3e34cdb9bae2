// The listening options `ektp serve` and `ektp station` share (address, port, threads, web root, TLS)
// and the HTTP server options they make. Thread-safety: plain data.
#pragma once

#include <string>
#include <vector>

#include "api/http_server.h"

namespace CLI {
class App;
}

namespace ektp::cli {

struct ListenOptions {
  std::string address = "127.0.0.1";
  int port = 8080;
  int threads = 16;  // handlers block on database commits (the read audit): more than cores
  std::string web_root;
  std::string tls_cert;  // PEM; with tls_key: HTTPS only
  std::string tls_key;
  bool insecure_plain_http = false;  // plain HTTP on a non-loopback address (behind a TLS proxy)
  std::vector<std::string> trusted_proxies;  // whose X-Forwarded-For names the client
};

void add_listen_options(CLI::App& command, ListenOptions& options);
// The web root defaults to default_web_root() (commands.h).
api::HttpServerOptions server_options_of(const ListenOptions& options);

}  // namespace ektp::cli
