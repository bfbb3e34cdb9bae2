#include "api/http_client.h"

#include <cctype>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace ektp::api {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;

struct Endpoint {
  bool tls = false;
  std::string host;
  std::string port;
};

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(std::string(host), ec);
  return !ec && address.is_loopback();
}

Result<Endpoint> parse_base_url(std::string_view url) {
  Endpoint e;
  if (url.starts_with("https://")) {
    e.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return invalid_argument(fmt::format("central URL '{}' must start with https://", url));
  }
  if (auto slash = url.find('/'); slash != std::string_view::npos) url = url.substr(0, slash);
  auto colon = url.rfind(':');
  if (url.starts_with('[') && (colon == std::string_view::npos || colon < url.find(']'))) colon = std::string_view::npos;
  e.host = std::string(url.substr(0, colon));
  e.port = colon == std::string_view::npos ? (e.tls ? "443" : "80") : std::string(url.substr(colon + 1));
  if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']') e.host = e.host.substr(1, e.host.size() - 2);
  if (e.host.empty() || e.port.empty()) return invalid_argument("central URL has no host or port");
  if (!e.tls && !is_loopback_host(e.host)) {
    return invalid_argument(fmt::format(
        "central URL '{}' is plain http to another machine: use https:// (passwords, keys and personal data "
        "must not cross the network in clear)",
        url));
  }
  return e;
}

std::string openssl_reason() {
  const unsigned long code = ERR_peek_last_error();
  if (code == 0) return "";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// The client context: TLS 1.2+, and the trust of `trust` (a pinned key is checked after the
// handshake, against the key actually presented).
Result<ssl::context> client_context(const TlsTrust& trust) {
  ssl::context context(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  if (!trust.spki_sha256.empty()) {
    if (!is_spki_pin(trust.spki_sha256)) {
      return invalid_argument("the pinned key must be 64 hex digits (SHA-256 of the SubjectPublicKeyInfo)");
    }
    context.set_verify_mode(ssl::verify_none, ec);  // the pin decides, below
    return context;
  }
  if (!trust.ca_file.empty()) {
    context.load_verify_file(trust.ca_file, ec);
    if (ec) return invalid_argument(fmt::format("CA file {}: {}", trust.ca_file, ec.message()));
  } else {
    context.set_default_verify_paths(ec);
  }
  context.set_verify_mode(ssl::verify_peer, ec);
  return context;
}

// Runs one asynchronous step to its end. The stream's expiry, set once for the whole exchange
// (ClientRequest::deadline), cancels a step when the time is up: Beast's synchronous calls would
// ignore it and wait for as long as a peer that stopped answering keeps the connection open.
template <class Start>
beast::error_code run_step(asio::io_context& io, Start&& start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

template <class Stream>
Result<ClientResponse> exchange_on(asio::io_context& io, Stream& stream, const Endpoint& endpoint,
                                   std::string_view base_url, const ClientRequest& request,
                                   std::size_t response_bytes_max) {
  http::request<http::string_body> message{http::string_to_verb(request.method), request.target, 11};
  message.set(http::field::host, endpoint.host);
  message.set(http::field::user_agent, "ektp-station");
  if (!request.body.empty() || request.method == "POST") {
    message.set(http::field::content_type, request.content_type);
    message.body() = request.body;
    message.prepare_payload();
  }
  for (const auto& [name, value] : request.headers) message.set(name, value);
  beast::error_code ec = run_step(io, [&](auto done) { http::async_write(stream, message, std::move(done)); });
  if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("sending to {} failed: {}", base_url, ec.message()));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(response_bytes_max);
  ec = run_step(io, [&](auto done) { http::async_read(stream, buffer, parser, std::move(done)); });
  if (ec) {
    return make_error(ErrorCode::kUnavailable,
                      fmt::format("reading the answer of {} failed: {}", base_url, ec.message()));
  }
  auto response = parser.release();
  ClientResponse out{static_cast<int>(response.result_int()), std::move(response.body()), {}};
  for (const auto& field : response) {
    const auto name = field.name_string();
    if (name.size() > 7 && beast::iequals(name.substr(0, 7), "x-ektp-")) {
      std::string key(name);
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers.emplace(std::move(key), std::string(field.value()));
    }
  }
  return out;
}

}  // namespace

Result<ClientResponse> http_exchange(std::string_view base_url, const ClientRequest& request,
                                     std::chrono::milliseconds timeout, std::size_t response_bytes_max,
                                     const TlsTrust& trust) {
  auto endpoint = parse_base_url(base_url);
  if (!endpoint) return std::unexpected(endpoint.error());
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::error_code ec;
    auto results = resolver.resolve(endpoint->host, endpoint->port, ec);
    if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("cannot resolve {}: {}", base_url, ec.message()));
    if (request.address_allowed) {
      for (const auto& entry : results) {
        const std::string address = entry.endpoint().address().to_string();
        if (!request.address_allowed(address)) {
          return make_error(ErrorCode::kPermissionDenied,
                            fmt::format("{} resolves to {}, an address this request may not reach", base_url, address));
        }
      }
    }
    if (!endpoint->tls && (!trust.spki_sha256.empty() || !trust.ca_file.empty())) {
      return make_error(ErrorCode::kPermissionDenied,
                        fmt::format("central is trusted by its TLS key; refusing plain http to {}", base_url));
    }
    if (!endpoint->tls) {
      beast::tcp_stream stream(io);
      if (request.deadline) stream.expires_after(timeout);
      ec = run_step(io, [&](auto done) { stream.async_connect(results, std::move(done)); });
      if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("cannot connect to {}: {}", base_url, ec.message()));
      auto out = exchange_on(io, stream, *endpoint, base_url, request, response_bytes_max);
      stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      return out;
    }
    auto context = client_context(trust);
    if (!context) return std::unexpected(context.error());
    beast::ssl_stream<beast::tcp_stream> stream(io, *context);
    SSL* native = stream.native_handle();
    // SNI, and (with CA verification) the host name the certificate must name.
    if (SSL_set_tlsext_host_name(native, endpoint->host.c_str()) != 1) {
      return invalid_argument(fmt::format("bad TLS host name '{}'", endpoint->host));
    }
    if (trust.spki_sha256.empty()) {
      X509_VERIFY_PARAM* param = SSL_get0_param(native);
      if (is_loopback_host(endpoint->host) && endpoint->host != "localhost") {
        X509_VERIFY_PARAM_set1_ip_asc(param, endpoint->host.c_str());
      } else {
        X509_VERIFY_PARAM_set1_host(param, endpoint->host.c_str(), 0);
      }
    }
    if (request.deadline) beast::get_lowest_layer(stream).expires_after(timeout);
    ec = run_step(io, [&](auto done) { beast::get_lowest_layer(stream).async_connect(results, std::move(done)); });
    if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("cannot connect to {}: {}", base_url, ec.message()));
    ec = run_step(io, [&](auto done) { stream.async_handshake(ssl::stream_base::client, std::move(done)); });
    if (ec) {
      const long verify = SSL_get_verify_result(native);
      if (verify != X509_V_OK) {
        return make_error(ErrorCode::kPermissionDenied,
                          fmt::format("the certificate of {} is not trusted: {}", base_url,
                                      X509_verify_cert_error_string(verify)));
      }
      return make_error(ErrorCode::kUnavailable,
                        fmt::format("TLS handshake with {} failed: {} {}", base_url, ec.message(), openssl_reason()));
    }
    if (!trust.spki_sha256.empty()) {
      X509* presented = SSL_get0_peer_certificate(native);
      if (presented == nullptr) return make_error(ErrorCode::kPermissionDenied, fmt::format("{} sent no certificate", base_url));
      unsigned char* der = nullptr;
      const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(presented), &der);
      const std::string pin = size > 0 ? spki_sha256_of_der(der, static_cast<std::size_t>(size)) : std::string();
      OPENSSL_free(der);
      if (pin != trust.spki_sha256) {
        return make_error(ErrorCode::kPermissionDenied,
                          fmt::format("{} presented key {} but {} is pinned: not central, or a man in the middle",
                                      base_url, pin.substr(0, 16), trust.spki_sha256.substr(0, 16)));
      }
    }
    auto out = exchange_on(io, stream, *endpoint, base_url, request, response_bytes_max);
    // close_notify; a peer that just closes is fine, one that never answers is not waited for long.
    if (request.deadline) {
      beast::get_lowest_layer(stream).expires_after(std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(2)));
    }
    ec = run_step(io, [&](auto done) { stream.async_shutdown(std::move(done)); });
    return out;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kUnavailable, fmt::format("talking to {} failed: {}", base_url, e.what()));
  }
}

}  // namespace ektp::api
