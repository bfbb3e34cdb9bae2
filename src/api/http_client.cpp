#include "api/http_client.h"

#include <cctype>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace ektp::api {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

struct Endpoint {
  std::string host;
  std::string port;
};

Result<Endpoint> parse_base_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return invalid_argument(fmt::format("central URL '{}' must start with http://", url));
  url.remove_prefix(kScheme.size());
  if (auto slash = url.find('/'); slash != std::string_view::npos) url = url.substr(0, slash);
  auto colon = url.rfind(':');
  Endpoint e{std::string(url.substr(0, colon)), colon == std::string_view::npos ? "80" : std::string(url.substr(colon + 1))};
  if (e.host.empty() || e.port.empty()) return invalid_argument(fmt::format("central URL has no host or port"));
  return e;
}

}  // namespace

Result<ClientResponse> http_exchange(std::string_view base_url, const ClientRequest& request,
                                     std::chrono::milliseconds timeout, std::size_t response_bytes_max) {
  auto endpoint = parse_base_url(base_url);
  if (!endpoint) return std::unexpected(endpoint.error());
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    beast::error_code ec;
    auto results = resolver.resolve(endpoint->host, endpoint->port, ec);
    if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("cannot resolve {}: {}", base_url, ec.message()));
    stream.expires_after(timeout);
    stream.connect(results, ec);
    if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("cannot connect to {}: {}", base_url, ec.message()));
    http::request<http::string_body> message{http::string_to_verb(request.method), request.target, 11};
    message.set(http::field::host, endpoint->host);
    message.set(http::field::user_agent, "ektp-station");
    if (!request.body.empty() || request.method == "POST") {
      message.set(http::field::content_type, request.content_type);
      message.body() = request.body;
      message.prepare_payload();
    }
    for (const auto& [name, value] : request.headers) message.set(name, value);
    http::write(stream, message, ec);
    if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("sending to {} failed: {}", base_url, ec.message()));
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(response_bytes_max);
    http::read(stream, buffer, parser, ec);
    if (ec) {
      return make_error(ErrorCode::kUnavailable, fmt::format("reading the answer of {} failed: {}", base_url,
                                                             ec.message()));
    }
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
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
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kUnavailable, fmt::format("talking to {} failed: {}", base_url, e.what()));
  }
}

}  // namespace ektp::api
