// Webhook addresses and the public-address rule (agency/webhook_url.h).
#include "agency/webhook_url.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace ektp::agency {
namespace {

constexpr std::string_view kScheme = "https://";
constexpr std::size_t kHostBytesMax = 253;
constexpr std::size_t kLabelBytesMax = 63;

std::unexpected<Error> invalid_url(std::string message) {
  return refusal(ErrorCode::kInvalidArgument, std::string(webhook_reason::kUrlInvalid), "url: " + std::move(message));
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

Status check_dns_name(std::string_view host) {
  if (host.empty() || host.size() > kHostBytesMax) return invalid_url("the host must have 1 to 253 characters");
  if (!std::ranges::all_of(host, is_name_char)) {
    return invalid_url(fmt::format("'{}' is not a host name (letters, digits, '-' and '.')", host.substr(0, 60)));
  }
  std::size_t start = 0;
  while (start <= host.size()) {
    const std::size_t dot = std::min(host.find('.', start), host.size());
    const std::string_view label = host.substr(start, dot - start);
    if (label.empty() || label.size() > kLabelBytesMax || label.front() == '-' || label.back() == '-') {
      return invalid_url(fmt::format("host '{}' has an empty, too long or badly hyphenated label", host.substr(0, 60)));
    }
    start = dot + 1;
  }
  return {};
}

Status check_port(std::string_view port) {
  if (port.empty() || port.size() > 5 || !std::ranges::all_of(port, [](char c) { return c >= '0' && c <= '9'; })) {
    return invalid_url(fmt::format("port '{}' is not a number", port.substr(0, 10)));
  }
  const int value = std::stoi(std::string(port));
  if (value < 1 || value > 65535) return invalid_url(fmt::format("port {} is not 1 to 65535", value));
  return {};
}

// Host and port of the authority ("host", "host:port", "[v6]", "[v6]:port").
Status parse_authority(std::string_view authority, WebhookUrl& out) {
  if (authority.find('@') != std::string_view::npos) return invalid_url("no user name or password in a webhook URL");
  std::string_view rest;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid_url("an IPv6 address needs its closing ']'");
    out.host = std::string(authority.substr(1, close - 1));
    out.ipv6_literal = true;
    in6_addr address{};
    if (inet_pton(AF_INET6, out.host.c_str(), &address) != 1) {
      return invalid_url(fmt::format("'{}' is not an IPv6 address", out.host.substr(0, 60)));
    }
    rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return invalid_url("only ':port' may follow an IPv6 address");
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) rest = authority.substr(colon);
    std::ranges::transform(out.host, out.host.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
    EKTP_RETURN_IF_ERROR(check_dns_name(out.host));
    const bool numeric = std::ranges::all_of(out.host, [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    in_addr address{};
    if (numeric && inet_pton(AF_INET, out.host.c_str(), &address) != 1) {
      return invalid_url(fmt::format("'{}' is not an IPv4 address", out.host));
    }
  }
  out.port = "443";
  if (!rest.empty()) {
    out.port = std::string(rest.substr(1));
    EKTP_RETURN_IF_ERROR(check_port(out.port));
  }
  return {};
}

bool in_v4(std::uint32_t address, std::uint32_t network, int prefix_bits) {
  const std::uint32_t mask = prefix_bits == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix_bits);
  return (address & mask) == (network & mask);
}

bool is_public_v4(std::uint32_t a) {
  struct Range {
    std::uint32_t network;
    int bits;
  };
  // IANA special-purpose ranges (RFC 6890 and successors) that are not the public internet.
  constexpr std::array<Range, 16> kNotPublic{{
      {0x00000000, 8},   // "this network"
      {0x0A000000, 8},   // private
      {0x64400000, 10},  // carrier-grade NAT
      {0x7F000000, 8},   // loopback
      {0xA9FE0000, 16},  // link-local (cloud metadata)
      {0xAC100000, 12},  // private
      {0xC0000000, 24},  // IETF protocol assignments
      {0xC0000200, 24},  // documentation
      {0xC0586300, 24},  // 6to4 relay anycast
      {0xC0A80000, 16},  // private
      {0xC6120000, 15},  // benchmarking
      {0xC6336400, 24},  // documentation
      {0xCB007100, 24},  // documentation
      {0xE0000000, 4},   // multicast
      {0xF0000000, 4},   // reserved, and the broadcast address
      {0xFFFFFFFF, 32},
  }};
  return std::ranges::none_of(kNotPublic, [a](const Range& r) { return in_v4(a, r.network, r.bits); });
}

bool is_public_v6(const std::array<std::uint8_t, 16>& b) {
  // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address.
  constexpr std::array<std::uint8_t, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), b.begin())) {
    return is_public_v4(std::uint32_t{b[12]} << 24 | std::uint32_t{b[13]} << 16 | std::uint32_t{b[14]} << 8 | b[15]);
  }
  // Global unicast is 2000::/3; within it, documentation (2001:db8::/32), ORCHID and the
  // benchmarking block (2001:2::/48, 2001:10::/28, 2001:20::/28) are not the public internet, and
  // 6to4 (2002::/16) and Teredo (2001::/32) embed addresses this check cannot judge.
  if ((b[0] & 0xE0) != 0x20) return false;
  if (b[0] == 0x20 && b[1] == 0x02) return false;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] < 0x40) return false;
  return true;
}

}  // namespace

std::string WebhookUrl::origin() const {
  return ipv6_literal ? fmt::format("https://[{}]:{}", host, port) : fmt::format("https://{}:{}", host, port);
}

Result<WebhookUrl> parse_webhook_url(std::string_view url) {
  if (url.empty()) return invalid_url("is required");
  if (url.size() > kWebhookUrlBytesMax) return invalid_url(fmt::format("at most {} bytes", kWebhookUrlBytesMax));
  if (!std::ranges::all_of(url, [](char c) { return c > 0x20 && c < 0x7f; })) {
    return invalid_url("printable ASCII only, without spaces (percent-encode the rest)");
  }
  std::string scheme(url.substr(0, std::min(url.size(), kScheme.size())));
  std::ranges::transform(scheme, scheme.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
  if (scheme != kScheme) {
    return refusal(ErrorCode::kInvalidArgument, std::string(webhook_reason::kUrlNotHttps),
                   fmt::format("url: '{}' is not an https:// address: events carry personal data and are sent "
                               "only over TLS",
                               url.substr(0, 60)));
  }
  if (url.find('#') != std::string_view::npos) return invalid_url("no fragment ('#') in a webhook URL");
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t end = std::min(rest.find('/'), rest.find('?'));
  WebhookUrl out;
  EKTP_RETURN_IF_ERROR(parse_authority(rest.substr(0, end), out));
  out.target = end == std::string_view::npos ? "/" : std::string(rest.substr(end));
  if (out.target.starts_with('?')) out.target.insert(out.target.begin(), '/');
  return out;
}

bool is_public_address(std::string_view address) {
  const std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return is_public_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &v6, bytes.size());
    return is_public_v6(bytes);
  }
  return false;
}

Result<std::vector<std::string>> resolve_host(std::string_view host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string name(host);
  const int failed = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  std::vector<std::string> out;
  for (const addrinfo* a = failed == 0 ? found : nullptr; a != nullptr && out.size() < kResolvedAddressesMax;
       a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = a->ai_family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                                              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) && inet_ntop(a->ai_family, raw, text, sizeof text)) {
      if (std::ranges::find(out, std::string(text)) == out.end()) out.emplace_back(text);
    }
  }
  if (found != nullptr) ::freeaddrinfo(found);
  if (out.empty()) {
    return refusal(ErrorCode::kInvalidArgument, std::string(webhook_reason::kHostUnresolved),
                   fmt::format("url: the host {} does not resolve{}", name.substr(0, 60),
                               failed != 0 ? fmt::format(" ({})", ::gai_strerror(failed)) : std::string()));
  }
  return out;
}

Status check_public_host(std::string_view host, const HostResolver& resolve) {
  EKTP_ASSIGN_OR_RETURN(const auto addresses, resolve ? resolve(host) : resolve_host(host));
  for (const std::string& address : addresses) {
    if (!is_public_address(address)) {
      return refusal(ErrorCode::kInvalidArgument, std::string(webhook_reason::kUrlPrivate),
                     fmt::format("url: the host {} is {}, not a public address: central does not send events into "
                                 "its own or a private network",
                                 host.substr(0, 60), address));
    }
  }
  return {};
}

}  // namespace ektp::agency
