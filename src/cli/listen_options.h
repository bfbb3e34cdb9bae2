// The listening options `ektp serve` and `ektp station` share (address, port, threads, web root)
// and the HTTP server options they make. Thread-safety: plain data.
#pragma once

#include <string>

#include "api/http_server.h"

namespace CLI {
class App;
}

namespace ektp::cli {

struct ListenOptions {
  std::string address = "127.0.0.1";
  int port = 8080;
  int threads = 2;
  std::string web_root;
};

void add_listen_options(CLI::App& command, ListenOptions& options);
// The web root defaults to default_web_root() (commands.h).
api::HttpServerOptions server_options_of(const ListenOptions& options);

}  // namespace ektp::cli
