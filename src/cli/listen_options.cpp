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
  command.add_option("--tls-cert", options.tls_cert, "PEM certificate chain: serve HTTPS only (with --tls-key)");
  command.add_option("--tls-key", options.tls_key, "PEM private key of --tls-cert (mode 0600)");
  command.add_flag("--insecure-plain-http", options.insecure_plain_http,
                   "allow plain HTTP on a non-loopback address (only behind a TLS-terminating proxy)");
  command.add_option("--trusted-proxy", options.trusted_proxies,
                     "address of a reverse proxy whose X-Forwarded-For names the client (repeatable)");
}

api::HttpServerOptions server_options_of(const ListenOptions& options) {
  api::HttpServerOptions server;
  server.address = options.address;
  server.port = static_cast<std::uint16_t>(options.port);
  server.threads = options.threads;
  server.web_root = options.web_root.empty() ? default_web_root() : std::filesystem::path(options.web_root);
  server.tls_certificate_file = options.tls_cert;
  server.tls_private_key_file = options.tls_key;
  server.allow_plain_http_anywhere = options.insecure_plain_http;
  server.trusted_proxies = options.trusted_proxies;
  return server;
}

}  // namespace ektp::cli
