// Webhook addresses: https only, a host, port and path read right, nothing hidden in them (user
// names, fragments, odd spellings of addresses), and the public-address rule that keeps central
// from sending events into its own network — loopback, private ranges, link-local and the cloud
// metadata address, carrier-grade NAT, unique-local and link-local IPv6, IPv4-mapped IPv6 — also
// for a host name that resolves to such an address.
#include "agency/webhook_url.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace ektp::agency {
namespace {

std::string reason_of(const Result<WebhookUrl>& parsed) { return parsed ? "(parsed)" : parsed.error().reason; }

TEST(WebhookUrlTest, AnHttpsUrlIsReadIntoOriginAndTarget) {
  auto plain = parse_webhook_url("https://Hooks.BPJS-Kesehatan.go.id/ektp/events?v=1");
  ASSERT_OK(plain);
  EXPECT_EQ(plain->host, "hooks.bpjs-kesehatan.go.id");
  EXPECT_EQ(plain->port, "443");
  EXPECT_EQ(plain->target, "/ektp/events?v=1");
  EXPECT_EQ(plain->origin(), "https://hooks.bpjs-kesehatan.go.id:443");
  auto ported = parse_webhook_url("https://203.0.114.7:8443");
  ASSERT_OK(ported);
  EXPECT_EQ(ported->port, "8443");
  EXPECT_EQ(ported->target, "/");
  auto v6 = parse_webhook_url("https://[2a00:1450:4001::200e]:9443/x");
  ASSERT_OK(v6);
  EXPECT_TRUE(v6->ipv6_literal);
  EXPECT_EQ(v6->host, "2a00:1450:4001::200e");
  EXPECT_EQ(v6->origin(), "https://[2a00:1450:4001::200e]:9443");
  EXPECT_EQ(parse_webhook_url("HTTPS://example.org?x=1")->target, "/?x=1");
}

TEST(WebhookUrlTest, OnlyHttpsAndNothingHiddenInTheAddress) {
  EXPECT_EQ(reason_of(parse_webhook_url("http://hooks.example.org/e")), webhook_reason::kUrlNotHttps);
  EXPECT_EQ(reason_of(parse_webhook_url("ftp://hooks.example.org/e")), webhook_reason::kUrlNotHttps);
  EXPECT_EQ(reason_of(parse_webhook_url("hooks.example.org/e")), webhook_reason::kUrlNotHttps);
  for (const char* bad : {"", "https://", "https://user:pw@example.org/", "https://example.org/#frag",
                          "https://exa mple.org/", "https://example.org:0/", "https://example.org:70000/",
                          "https://example.org:80a/", "https://-bad-.example.org/", "https://a..b/",
                          "https://2130706433/", "https://999.1.1.1/", "https://[::1/", "https://[zz::1]/",
                          "https://[::1]x/", "https://ex_ample.org/", "https://example.org/\xc3\xa9"}) {
    EXPECT_EQ(reason_of(parse_webhook_url(bad)), webhook_reason::kUrlInvalid) << bad;
  }
  EXPECT_EQ(reason_of(parse_webhook_url("https://example.org/" + std::string(kWebhookUrlBytesMax, 'a'))),
            webhook_reason::kUrlInvalid);
}

TEST(WebhookUrlTest, OnlyPublicAddressesArePublic) {
  for (const char* inside : {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.10",
                             "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
                             "192.0.2.5", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
                             "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2001:db8::1", "2002:c000:0204::1",
                             "not an address", ""}) {
    EXPECT_FALSE(is_public_address(inside)) << inside;
  }
  for (const char* outside : {"8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "::ffff:93.184.216.34",
                              "2a00:1450:4001::200e", "2606:4700::1111"}) {
    EXPECT_TRUE(is_public_address(outside)) << outside;
  }
}

TEST(WebhookUrlTest, AHostIsPublicOnlyWhenEveryAddressItResolvesToIs) {
  const HostResolver split = [](std::string_view) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{"93.184.216.34", "10.0.0.7"};  // one public, one private: refused
  };
  auto refused = check_public_host("hooks.example.org", split);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, webhook_reason::kUrlPrivate);
  EXPECT_NE(refused.error().message.find("10.0.0.7"), std::string::npos);
  const HostResolver public_only = [](std::string_view) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{"93.184.216.34"};
  };
  EXPECT_OK(check_public_host("hooks.example.org", public_only));
  // The system resolver: localhost and a numeric spelling of loopback are loopback.
  EXPECT_EQ(check_public_host("localhost", {}).error().reason, webhook_reason::kUrlPrivate);
  EXPECT_EQ(check_public_host("127.0.0.1", {}).error().reason, webhook_reason::kUrlPrivate);
  EXPECT_OK(check_public_host("93.184.216.34", {}));
  auto none = check_public_host("", {});  // resolves to nothing, and asks no name server
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().reason, webhook_reason::kHostUnresolved);
}

}  // namespace
}  // namespace ektp::agency
