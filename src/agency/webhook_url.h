// Where an agency's events may be sent (SPEC §8, event subscriptions): an https:// URL of at most
// 512 bytes with a host — a DNS name, an IPv4 address or a bracketed IPv6 address —, an optional
// port and a path; no user name or password, no fragment, nothing but printable ASCII. In
// production the host must resolve only to public addresses, so that a subscription never makes
// central call into its own network (server-side request forgery): loopback, the private and
// carrier-grade NAT ranges, link-local (the cloud metadata address 169.254.169.254 among them),
// unique-local IPv6, multicast, reserved and documentation ranges are refused. Thread-safe: pure
// functions, and resolve_host uses the system resolver.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::agency {

namespace webhook_reason {
inline constexpr std::string_view kUrlInvalid = "webhook_url_invalid";
inline constexpr std::string_view kUrlNotHttps = "webhook_url_not_https";
inline constexpr std::string_view kUrlPrivate = "webhook_url_private";
inline constexpr std::string_view kHostUnresolved = "webhook_host_unresolved";
}  // namespace webhook_reason

inline constexpr std::size_t kWebhookUrlBytesMax = 512;
inline constexpr std::size_t kResolvedAddressesMax = 16;  // of one host name, all checked

struct WebhookUrl {
  std::string host;    // as written, IPv6 without its brackets
  std::string port;    // "443" when none is written
  std::string target;  // the path and query ("/" when none is written)
  bool ipv6_literal = false;

  // "https://host:port", the origin the HTTPS client connects to.
  std::string origin() const;
};

// kInvalidArgument with reason webhook_url_not_https for another scheme (http:// included), or
// webhook_url_invalid naming what is wrong.
Result<WebhookUrl> parse_webhook_url(std::string_view url);

// Whether an IPv4 or IPv6 address (text) is a public unicast address. False for text that is not
// an address. An IPv4-mapped IPv6 address is judged as its IPv4 address.
bool is_public_address(std::string_view address);

// The addresses a host name (or address literal) resolves to, as text, at most
// kResolvedAddressesMax. kInvalidArgument (webhook_host_unresolved) when it resolves to none.
using HostResolver = std::function<Result<std::vector<std::string>>(std::string_view host)>;
Result<std::vector<std::string>> resolve_host(std::string_view host);

// The host must resolve, and only to public addresses: kInvalidArgument (webhook_url_private)
// naming the first address that is not, or the resolver's refusal.
Status check_public_host(std::string_view host, const HostResolver& resolve);

}  // namespace ektp::agency
