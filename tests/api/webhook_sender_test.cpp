// The HTTPS sender of agencies' webhooks against a real HttpServer with a certificate made in the
// test: the POST carries the CloudEvent and the Standard Webhooks headers; a receiver answering
// 500 gives its status, a 302 is not followed (the place it points to never hears of it), one
// that answers more slowly than the timeout is an error, and in production an address on this
// machine is not connected to at all; a certificate the sender does not trust is refused.
#include "api/webhook_sender.h"

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "agency/cloud_event.h"
#include "agency/webhook_signature.h"
#include "agency/webhook_url.h"
#include "api/http_server.h"
#include "support/test_certificates.h"
#include "support/test_support.h"

namespace ektp::api {
namespace {

namespace fs = std::filesystem;

class WebhookSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ektp_webhook_sender_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    test::KeyPtr ca_key = test::new_key();
    test::CertPtr ca = test::make_certificate(ca_key.get(), "receiver test CA", nullptr, nullptr, true);
    test::KeyPtr server_key = test::new_key();
    test::CertPtr server = test::make_certificate(server_key.get(), "127.0.0.1", ca.get(), ca_key.get(), false);
    test::write_certificate(dir_ / "ca.pem", ca.get());
    test::write_certificate(dir_ / "server.pem", server.get());
    test::write_key(dir_ / "server.key", server_key.get());
    HttpServerOptions options;
    options.port = 0;
    options.tls_certificate_file = dir_ / "server.pem";
    options.tls_private_key_file = dir_ / "server.key";
    auto router = std::make_shared<Router>();
    router->add("POST", "/api/v1/hooks/ok", [this](const HttpRequest& r) {
      last_ = r;
      ++hits_;
      return HttpResponse{204, "text/plain", "", {}, {}};
    });
    router->add("POST", "/api/v1/hooks/fail", [this](const HttpRequest&) {
      ++hits_;
      return HttpResponse{500, "text/plain", "down for maintenance", {}, {}};
    });
    router->add("POST", "/api/v1/hooks/moved", [this](const HttpRequest&) {
      ++hits_;
      return HttpResponse{302, "text/plain", "", {{"Location", "/api/v1/hooks/ok"}}, {}};
    });
    router->add("POST", "/api/v1/hooks/slow", [this](const HttpRequest&) {
      ++hits_;
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      return HttpResponse{200, "text/plain", "", {}, {}};
    });
    server_ = std::make_unique<HttpServer>(options, router);
    ASSERT_OK(server_->start());
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  agency::WebhookMessage message(const std::string& path) const {
    agency::WebhookMessage m;
    m.url = fmt::format("https://127.0.0.1:{}{}", server_->port(), path);
    m.webhook_id = "msg_7";
    m.timestamp_s = 1796300000;
    m.body = R"({"specversion":"1.0","id":"ektp-event-42"})";
    m.signature = key_.sign(m.webhook_id, m.timestamp_s, m.body);
    return m;
  }
  agency::WebhookSender sender(bool allow_private = true, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    WebhookSenderOptions options;
    options.timeout = timeout;
    options.trust.ca_file = (dir_ / "ca.pem").string();
    options.allow_private_addresses = allow_private;
    return https_webhook_sender(options);
  }

  fs::path dir_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<int> hits_ = 0;
  HttpRequest last_;
  const agency::WebhookSigningKey key_ = agency::WebhookSigningKey::from_seed(std::array<std::uint8_t, 32>{1, 2, 3});
};

TEST_F(WebhookSenderTest, APostCarriesTheCloudEventAndTheStandardWebhooksHeaders) {
  const auto m = message("/api/v1/hooks/ok");
  auto answer = sender()(m);
  ASSERT_OK(answer);
  EXPECT_EQ(*answer, 204);
  EXPECT_EQ(last_.body, m.body);
  EXPECT_EQ(last_.content_type, agency::kCloudEventContentType);
  // The server keeps only X-Ektp-* headers for handlers: the signature is checked end to end in
  // tests/http/agency_webhook_walkthrough.sh by a receiver of its own.
  EXPECT_EQ(hits_.load(), 1);
}

TEST_F(WebhookSenderTest, A500IsTheAnswerAndARedirectIsNotFollowed) {
  auto failed = sender()(message("/api/v1/hooks/fail"));
  ASSERT_OK(failed);
  EXPECT_EQ(*failed, 500);
  hits_ = 0;
  auto moved = sender()(message("/api/v1/hooks/moved"));
  ASSERT_OK(moved);
  EXPECT_EQ(*moved, 302);
  EXPECT_EQ(hits_.load(), 1) << "the redirect's target was asked too";
  EXPECT_TRUE(last_.body.empty());
}

TEST_F(WebhookSenderTest, AReceiverSlowerThanTheTimeoutIsAnError) {
  const auto started = std::chrono::steady_clock::now();
  auto slow = sender(true, std::chrono::milliseconds(300))(message("/api/v1/hooks/slow"));
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(waited, std::chrono::milliseconds(1400));
}

TEST_F(WebhookSenderTest, InProductionThisMachineIsNotConnectedTo) {
  auto refused = sender(false)(message("/api/v1/hooks/ok"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(hits_.load(), 0);
}

TEST_F(WebhookSenderTest, AnUntrustedCertificateOrPlainHttpIsRefused) {
  auto untrusted = https_webhook_sender({std::chrono::seconds(5), {}, true})(message("/api/v1/hooks/ok"));
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().code, ErrorCode::kPermissionDenied);
  auto plain = message("/api/v1/hooks/ok");
  plain.url = fmt::format("http://127.0.0.1:{}/hooks/ok", server_->port());
  EXPECT_EQ(sender()(plain).error().reason, agency::webhook_reason::kUrlNotHttps);
  EXPECT_EQ(hits_.load(), 0);
}

}  // namespace
}  // namespace ektp::api
