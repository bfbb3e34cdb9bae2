// HTTPS end to end: a real HttpServer with a certificate made in the test (a test CA signs a
// certificate for 127.0.0.1; an attacker has a CA and a certificate of its own), and the client
// the stations use. Nothing is downloaded and no private key is committed.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/http_client.h"
#include "api/http_server.h"
#include "api/tls_trust.h"
#include "support/test_certificates.h"
#include "support/test_support.h"

namespace ektp::api {
namespace {

namespace fs = std::filesystem;

using test::CertPtr;
using test::KeyPtr;
using test::make_certificate;
using test::new_key;
using test::write_certificate;
using test::write_key;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ektp_tls_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    // The real CA and central's certificate; an attacker's CA and a certificate it signed.
    for (const char* who : {"real", "attacker"}) {
      KeyPtr ca_key = new_key();
      CertPtr ca = make_certificate(ca_key.get(), fmt::format("{} test CA", who).c_str(), nullptr, nullptr, true);
      KeyPtr server_key = new_key();
      CertPtr server = make_certificate(server_key.get(), "127.0.0.1", ca.get(), ca_key.get(), false);
      write_certificate(dir_ / fmt::format("{}-ca.pem", who), ca.get());
      write_certificate(dir_ / fmt::format("{}-server.pem", who), server.get());
      write_key(dir_ / fmt::format("{}-server.key", who), server_key.get());
    }
    real_ = start("real");
    attacker_ = start("attacker");
  }
  void TearDown() override {
    real_.reset();
    attacker_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<HttpServer> start(const std::string& who) {
    HttpServerOptions options;
    options.port = 0;
    options.tls_certificate_file = dir_ / (who + "-server.pem");
    options.tls_private_key_file = dir_ / (who + "-server.key");
    auto router = std::make_shared<Router>();
    router->add("GET", "/api/v1/health", [who](const HttpRequest&) {
      return json_response(boost::json::object{{"status", "ok"}, {"server", who}});
    });
    auto server = std::make_unique<HttpServer>(options, router);
    EXPECT_OK(server->start());
    EXPECT_TRUE(server->tls());
    return server;
  }

  std::string url(const HttpServer& server) const { return fmt::format("https://127.0.0.1:{}", server.port()); }
  Result<ClientResponse> get(const HttpServer& server, const TlsTrust& trust) {
    ClientRequest request;
    request.target = "/api/v1/health";
    return http_exchange(url(server), request, std::chrono::seconds(10), 1 << 20, trust);
  }
  std::string pin(const std::string& who) { return *certificate_spki_sha256(dir_ / (who + "-server.pem")); }

  fs::path dir_;
  std::unique_ptr<HttpServer> real_;
  std::unique_ptr<HttpServer> attacker_;
};

TEST_F(TlsTest, TheClientTrustsCentralByItsCaOrItsPinnedKey) {
  auto by_ca = get(*real_, {(dir_ / "real-ca.pem").string(), ""});
  ASSERT_OK(by_ca);
  EXPECT_EQ(by_ca->status, 200);
  EXPECT_NE(by_ca->body.find("\"real\""), std::string::npos);
  auto by_pin = get(*real_, {"", pin("real")});
  ASSERT_OK(by_pin);
  EXPECT_EQ(by_pin->status, 200);
}

TEST_F(TlsTest, AServerWithACertificateFromAnotherCaIsRefused) {
  EXPECT_ERROR(get(*attacker_, {(dir_ / "real-ca.pem").string(), ""}), ErrorCode::kPermissionDenied, "not trusted");
  // The system's CAs do not know the test CA either.
  EXPECT_ERROR(get(*real_, {}), ErrorCode::kPermissionDenied, "not trusted");
}

// A man in the middle presenting its own key where central's is pinned (at provisioning, the pin
// comes from the provisioning code, not from this answer).
TEST_F(TlsTest, AnotherKeyThanThePinnedOneIsRefused) {
  EXPECT_ERROR(get(*attacker_, {"", pin("real")}), ErrorCode::kPermissionDenied, "is pinned");
  EXPECT_ERROR(get(*real_, {"", std::string(64, 'a')}), ErrorCode::kPermissionDenied, "is pinned");
}

TEST_F(TlsTest, PlainHttpToTheHttpsPortGetsNoAnswerAndPlainHttpElsewhereIsRefused) {
  ClientRequest request;
  request.target = "/api/v1/health";
  auto plain = http_exchange(fmt::format("http://127.0.0.1:{}", real_->port()), request, std::chrono::seconds(5));
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, ErrorCode::kUnavailable);
  EXPECT_ERROR(http_exchange("http://10.0.0.1:8080", request), ErrorCode::kInvalidArgument, "use https://");
  // A station that pins central never falls back to plain http, even on this machine.
  EXPECT_ERROR(http_exchange(fmt::format("http://127.0.0.1:{}", real_->port()), request, std::chrono::seconds(5),
                             1 << 20, {"", pin("real")}),
               ErrorCode::kPermissionDenied, "refusing plain http");
}

TEST_F(TlsTest, Tls11IsRefused) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  SSL_CTX_set_security_level(context.get(), 0);
  SSL_CTX_set_min_proto_version(context.get(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(context.get(), TLS1_1_VERSION);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(real_->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), &SSL_free);
  SSL_set_fd(ssl.get(), fd);
  EXPECT_NE(SSL_connect(ssl.get()), 1) << "a TLS 1.1 handshake succeeded";
  ::close(fd);
  EXPECT_OK(get(*real_, {"", pin("real")}));  // and the server still serves
}

TEST(TlsConfigurationTest, AWorldReadableKeyOrAMissingHalfIsRefused) {
  const fs::path dir = fs::temp_directory_path() / ("ektp_tls_cfg_" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  KeyPtr key = new_key();
  CertPtr certificate = make_certificate(key.get(), "127.0.0.1", nullptr, nullptr, false);
  write_certificate(dir / "server.pem", certificate.get());
  write_key(dir / "server.key", key.get());
  ::chmod((dir / "server.key").c_str(), 0644);
  HttpServerOptions options;
  options.port = 0;
  options.tls_certificate_file = dir / "server.pem";
  options.tls_private_key_file = dir / "server.key";
  HttpServer readable(options, std::make_shared<Router>());
  EXPECT_ERROR(readable.start(), ErrorCode::kInvalidArgument, "readable by others");
  options.tls_private_key_file.clear();
  HttpServer half(options, std::make_shared<Router>());
  EXPECT_ERROR(half.start(), ErrorCode::kInvalidArgument, "both a certificate and a key");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ektp::api
