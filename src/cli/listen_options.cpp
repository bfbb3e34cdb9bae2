#include "cli/listen_options.h"

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace ektp::cli {

void add_listen_options(CLI::App& command, ListenOptions& options) {
  command.add_option("--address", options.address, "address to listen on")->capture_default_str();
  command.add_option("--port", options.port, "TCP port (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command.add_option("--threads", options.threads, "HTTP worker threads")->check(CLI::Range(1, 64))->capture_default_str();
  command.add_option("--web-root", options.web_root, "folder of the web front end (default: ./web)");
}

api::HttpServerOptions server_options_of(const ListenOptions& options) {
  api::HttpServerOptions server;
  server.address = options.address;
  server.port = static_cast<std::uint16_t>(options.port);
  server.threads = options.threads;
  server.web_root = options.web_root.empty() ? default_web_root() : std::filesystem::path(options.web_root);
  return server;
}

}  // namespace ektp::cli
