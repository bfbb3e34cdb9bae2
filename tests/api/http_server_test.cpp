// End-to-end tests: a real HttpServer on a free port and a small raw-socket HTTP client (raw
// sockets keep Beast out of the tests, and let us send malformed requests on purpose).
#include "api/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/json/parse.hpp>

#include "support/test_support.h"

namespace ektp::api {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
  boost::json::value json() const { return boost::json::parse(body); }
  std::string error_code() const {
    return std::string(json().at("error").at("code").as_string());
  }
  std::string error_message() const {
    return std::string(json().at("error").at("message").as_string());
  }
};

// A blocking HTTP/1.1 client connection with generous timeouts.
class Connection {
 public:
  explicit Connection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    // With nothing listening on an ephemeral port, Linux may connect the socket to itself
    // (TCP simultaneous open); that is no server.
    sockaddr_in local{};
    socklen_t local_size = sizeof local;
    if (connected_ && ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &local_size) == 0 &&
        local.sin_port == address.sin_port) {
      connected_ = false;
    }
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return connected_; }

  bool send_all(std::string_view data) {
    while (!data.empty()) {
      const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  // One response; nullopt when the server closed the connection without one.
  std::optional<RawResponse> read_response(bool head = false) {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    RawResponse response;
    const std::string head_text = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    std::size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    response.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      const std::size_t next = head_text.find("\r\n", line_end + 2);
      const std::string line = head_text.substr(line_end + 2, next - line_end - 2);
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        response.headers[name] = value;
      }
      line_end = next;
    }
    const std::string content_length = response.header("content-length");
    const std::size_t length =
        head || content_length.empty() ? 0 : static_cast<std::size_t>(std::stoull(content_length));
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  // True when the server closed the connection (a read returns end of stream or an error).
  bool closed_by_server() {
    char byte;
    return ::recv(fd_, &byte, 1, 0) <= 0;
  }

 private:
  bool fill() {
    char chunk[16384];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::optional<RawResponse> round_trip(std::uint16_t port, std::string_view raw, bool head = false) {
  Connection connection(port);
  if (!connection.connected() || !connection.send_all(raw)) return std::nullopt;
  return connection.read_response(head);
}

std::string get_request(std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
}

std::string post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\n"
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

std::shared_ptr<Router> make_router() {
  auto router = std::make_shared<Router>();
  router->add("GET", "/api/v1/health", [](const HttpRequest&) {
    return json_response(boost::json::object{{"status", "ok"}});
  });
  router->add("GET", "/api/v1/persons/{nik}", [](const HttpRequest& request) {
    auto q = request.query.find("q");
    return json_response(boost::json::object{
        {"nik", request.path_params.at("nik")},
        {"q", q == request.query.end() ? std::string() : q->second}});
  });
  router->add("POST", "/api/v1/echo", [](const HttpRequest& request) {
    Result<boost::json::value> body = parse_json_body(request.body);
    if (!body) return error_response(body.error());
    return json_response(*body);
  });
  router->add("GET", "/api/v1/whoami", [](const HttpRequest& request) {
    return json_response(boost::json::object{{"client", request.client_address}});
  });
  router->add("GET", "/api/v1/throw", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("handler bug");
  });
  router->add("GET", "/api/v1/bad-status", [](const HttpRequest&) {
    HttpResponse response;
    response.status = 1200;
    return response;
  });
  // An answer held back by its gate, released from another thread after ?ms (with an error when
  // ?fail is given), as a read waits for its audit commit.
  router->add("GET", "/api/v1/held", [](const HttpRequest& request) {
    HttpResponse response = json_response(boost::json::object{{"held", true}});
    const int ms = std::stoi(request.query.at("ms"));
    const bool fail = request.query.contains("fail");
    const bool replace = request.query.contains("replace");
    response.gate = [ms, fail, replace](ResponseRelease release) {
      std::thread([ms, fail, replace, release = std::move(release)] {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        if (replace) {
          // An answer made only once what it waited for is done (agency calls and their quota).
          HttpResponse made = json_response(boost::json::object{{"made", "later"}});
          made.status = 429;
          made.headers.emplace_back("Retry-After", "42");
          return release(std::move(made));
        }
        release(fail ? Status(make_error(ErrorCode::kUnavailable, "the audit record could not be written"))
                     : Status());
      }).detach();
    };
    return response;
  });
  router->add("GET", "/api/v1/redirect", [](const HttpRequest& request) {
    HttpResponse response;
    response.status = 302;
    response.headers.emplace_back("Location", request.query.at("to"));
    return response;
  });
  return router;
}

void write_file(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("ektp_http_" + std::to_string(std::random_device{}()));
    write_file(base_ / "web" / "index.html", "<!doctype html><title>ektp</title>");
    write_file(base_ / "web" / "app.js", "console.log('ektp')");
    write_file(base_ / "web" / "logo.png", "\x89PNG\r\n");
    write_file(base_ / "secret.txt", "root:x:0:0");
    HttpServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.web_root = base_ / "web";
    server_ = std::make_unique<HttpServer>(options, make_router());
    ASSERT_OK(server_->start());
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(base_);
  }

  void expect_healthy() {
    auto response = round_trip(port_, get_request("/api/v1/health"));
    ASSERT_TRUE(response.has_value()) << "server stopped answering";
    EXPECT_EQ(response->status, 200);
  }

  fs::path base_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(HttpServerTest, HealthIsJson) {
  auto response = round_trip(port_, get_request("/api/v1/health"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-type"), "application/json");
  EXPECT_EQ(response->header("x-content-type-options"), "nosniff");
  EXPECT_EQ(response->body, R"({"status":"ok"})");
}

TEST_F(HttpServerTest, PathParamsAndDecodedQuery) {
  auto response = round_trip(port_, get_request("/api/v1/persons/3327015508900001?q=Siti%20A+B"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->json().at("nik").as_string(), "3327015508900001");
  EXPECT_EQ(response->json().at("q").as_string(), "Siti A B");
}

TEST_F(HttpServerTest, NotFoundAndMethodNotAllowedAreJson) {
  auto missing = round_trip(port_, get_request("/api/v1/nothing"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->error_code(), "not_found");

  auto wrong_method = round_trip(port_, post("/api/v1/health", "{}"));
  ASSERT_TRUE(wrong_method.has_value());
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->error_code(), "method_not_allowed");
  EXPECT_EQ(wrong_method->header("allow"), "GET");
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequests) {
  Connection connection(port_);
  ASSERT_TRUE(connection.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection.send_all("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto response = connection.read_response();
    ASSERT_TRUE(response.has_value()) << "request " << i;
    EXPECT_EQ(response->status, 200);
  }
  // Two pipelined requests in one write are answered in order.
  ASSERT_TRUE(connection.send_all("GET /api/v1/persons/1 HTTP/1.1\r\nHost: t\r\n\r\n"
                                  "GET /api/v1/persons/2 HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto first = connection.read_response();
  auto second = connection.read_response();
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(first->json().at("nik").as_string(), "1");
  EXPECT_EQ(second->json().at("nik").as_string(), "2");
}

TEST_F(HttpServerTest, EchoesJsonBody) {
  auto response = round_trip(port_, post("/api/v1/echo", R"({"name":"Siti"})"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"name":"Siti"})");
}

TEST_F(HttpServerTest, AnswersExpectContinue) {
  const std::string body = R"({"name":"Siti"})";
  Connection connection(port_);
  ASSERT_TRUE(connection.send_all("POST /api/v1/echo HTTP/1.1\r\nHost: t\r\n"
                                  "Expect: 100-continue\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n"));
  auto interim = connection.read_response();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(connection.send_all(body));
  auto response = connection.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, body);
}

TEST_F(HttpServerTest, ExpectContinueOverTheLimitGets413Early) {
  auto response = round_trip(port_, "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\n"
                                    "Expect: 100-continue\r\nContent-Length: 999999999\r\n\r\n");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
}

TEST_F(HttpServerTest, HugeBodyGets413AndServerKeepsServing) {
  constexpr std::size_t body_bytes = 50 << 20;
  Connection connection(port_);
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.send_all("POST /api/v1/echo HTTP/1.1\r\nHost: t\r\n"
                                  "Content-Type: application/json\r\nContent-Length: " +
                                  std::to_string(body_bytes) + "\r\n\r\n"));
  // Keep sending the body, as a real client would, while reading the early answer.
  std::thread writer([&connection] {
    const std::string chunk(1 << 16, 'a');
    for (std::size_t sent = 0; sent < body_bytes; sent += chunk.size()) {
      if (!connection.send_all(chunk)) return;
    }
  });
  auto response = connection.read_response();
  writer.join();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->error_code(), "payload_too_large");
  EXPECT_NE(response->error_message().find("limit"), std::string::npos);
  expect_healthy();
}

TEST_F(HttpServerTest, HugeHeaderGets413) {
  const std::string raw = "GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Big: " +
                          std::string(64 << 10, 'x') + "\r\n\r\n";
  auto response = round_trip(port_, raw);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  expect_healthy();
}

TEST_F(HttpServerTest, DeepJsonIsRefusedFast) {
  const std::string deep = std::string(10'000, '[') + std::string(10'000, ']');
  const auto started = std::chrono::steady_clock::now();
  auto response = round_trip(port_, post("/api/v1/echo", deep));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->error_code(), "invalid_argument");
  EXPECT_NE(response->error_message().find("deeper"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST_F(HttpServerTest, TruncatedJsonNamesTheOffset) {
  auto response = round_trip(port_, post("/api/v1/echo", R"({"name":"Si)"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
  EXPECT_NE(response->error_message().find("byte 11"), std::string::npos)
      << response->error_message();
}

TEST_F(HttpServerTest, ThrowingHandlerGets500AndServerSurvives) {
  auto response = round_trip(port_, get_request("/api/v1/throw"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->error_code(), "internal");
  EXPECT_EQ(response->error_message().find("handler bug"), std::string::npos)
      << "internal details must not leak";
  expect_healthy();
}

TEST_F(HttpServerTest, BadHandlerResponsesBecome500) {
  auto bad_status = round_trip(port_, get_request("/api/v1/bad-status"));
  ASSERT_TRUE(bad_status.has_value());
  EXPECT_EQ(bad_status->status, 500);

  auto redirect = round_trip(port_, get_request("/api/v1/redirect?to=/home"));
  ASSERT_TRUE(redirect.has_value());
  EXPECT_EQ(redirect->status, 302);
  EXPECT_EQ(redirect->header("location"), "/home");

  auto injected =
      round_trip(port_, get_request("/api/v1/redirect?to=/x%0D%0ASet-Cookie:%20a=b"));
  ASSERT_TRUE(injected.has_value());
  EXPECT_EQ(injected->status, 500);
  EXPECT_EQ(injected->header("set-cookie"), "");
  expect_healthy();
}

TEST_F(HttpServerTest, HeadWorksOnGetRoutes) {
  Connection connection(port_);
  ASSERT_TRUE(connection.send_all("HEAD /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = connection.read_response(true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "15");
}

TEST_F(HttpServerTest, ServesStaticFilesWithTypes) {
  auto index = round_trip(port_, get_request("/"));
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->header("x-content-type-options"), "nosniff");
  EXPECT_EQ(index->header("content-security-policy"),
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  EXPECT_EQ(index->header("cache-control"), "no-cache");

  auto js = round_trip(port_, get_request("/app.js"));
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->body, "console.log('ektp')");
  EXPECT_EQ(js->header("content-security-policy"), "");

  auto png = round_trip(port_, get_request("/logo.png"));
  ASSERT_TRUE(png.has_value());
  EXPECT_EQ(png->header("content-type"), "image/png");

  auto route = round_trip(port_, get_request("/persons/3327015508900001"));
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->status, 200);
  EXPECT_EQ(route->body, "<!doctype html><title>ektp</title>");

  auto missing = round_trip(port_, get_request("/missing.css"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HttpServerTest, HeadSendsLengthWithoutBody) {
  Connection connection(port_);
  ASSERT_TRUE(connection.send_all("HEAD /app.js HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = connection.read_response(true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "19");
  // The connection stays usable: no body bytes were sent.
  ASSERT_TRUE(connection.send_all("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto next = connection.read_response();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, StaticFilesAcceptOnlyGetAndHead) {
  auto response = round_trip(port_, post("/index.html", "{}"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->header("allow"), "GET, HEAD");
}

TEST_F(HttpServerTest, TraversalIsRefused) {
  for (const char* target : {"/../secret.txt", "/../../../../etc/passwd", "/%2e%2e/secret.txt",
                             "/%2E%2E/%2e%2e/etc/passwd", "/x/..%2f..%2fsecret.txt",
                             "/..%5csecret.txt", "//etc/passwd", "/app.js%00.png"}) {
    auto response = round_trip(port_, get_request(target));
    ASSERT_TRUE(response.has_value()) << target;
    EXPECT_EQ(response->status, 400) << target;
    EXPECT_EQ(response->error_code(), "invalid_argument") << target;
    EXPECT_EQ(response->body.find("root:"), std::string::npos) << target;
  }
  expect_healthy();
}

TEST_F(HttpServerTest, BadPercentEncodingIs400) {
  for (const char* target : {"/api/v1/persons/%zz", "/api/v1/health?q=%4", "/api/v1/%00"}) {
    auto response = round_trip(port_, get_request(target));
    ASSERT_TRUE(response.has_value()) << target;
    EXPECT_EQ(response->status, 400) << target;
    EXPECT_EQ(response->error_code(), "invalid_argument");
  }
}

TEST_F(HttpServerTest, MalformedRequestsAreRefusedAndServerSurvives) {
  for (const char* raw : {"GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9\r\n\r\n",
                          "GET /api/v1/health HTTP/1.1\r\nBad Header\r\n\r\n",
                          "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"}) {
    auto response = round_trip(port_, raw);
    ASSERT_TRUE(response.has_value()) << raw;
    EXPECT_EQ(response->status, 400) << raw;
  }
  auto absolute = round_trip(port_, get_request("http://example.com/api/v1/health"));
  if (absolute.has_value()) {
    EXPECT_EQ(absolute->status, 400);
  }
  expect_healthy();
}

TEST_F(HttpServerTest, SecondServerOnTheSamePortFails) {
  HttpServerOptions options;
  options.port = port_;
  HttpServer second(options, make_router());
  const Status started = second.start();
  ASSERT_FALSE(started.has_value());
  EXPECT_NE(started.error().message.find("cannot listen on 127.0.0.1:" + std::to_string(port_)),
            std::string::npos)
      << started.error().message;
  EXPECT_NE(started.error().message.find("in use"), std::string::npos)
      << started.error().message;
  second.stop();
  expect_healthy();
}

TEST_F(HttpServerTest, StopIsIdempotentAndClosesIdleConnections) {
  Connection idle(port_);
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.send_all("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(idle.read_response().has_value());
  const auto started = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 9s) << "idle connection held stop()";
  EXPECT_TRUE(idle.closed_by_server());
  server_->stop();
  EXPECT_FALSE(server_->start().has_value()) << "a stopped server does not restart";
  server_->stop();
  EXPECT_FALSE(round_trip(port_, get_request("/api/v1/health")).has_value());
}

TEST_F(HttpServerTest, AHeldAnswerWaitsForItsGateWithoutHoldingAThread) {
  // Four answers held for 400 ms on a server of two threads: health still answers at once.
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::future<std::optional<RawResponse>>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::async(std::launch::async, [this] { return round_trip(port_, get_request("/api/v1/held?ms=400")); }));
  }
  std::this_thread::sleep_for(50ms);
  auto health = round_trip(port_, get_request("/api/v1/health"));
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 350ms) << "held answers took the threads";
  for (auto& future : held) {
    auto response = future.get();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_TRUE(response->json().at("held").as_bool());
  }
  EXPECT_GE(std::chrono::steady_clock::now() - started, 400ms) << "an answer went out before its gate";
}

TEST_F(HttpServerTest, AGateThatFailsSendsTheErrorInsteadOfTheAnswer) {
  auto response = round_trip(port_, get_request("/api/v1/held?ms=10&fail=1"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->error_code(), "unavailable");
  EXPECT_EQ(response->body.find("held"), std::string::npos);
  // Keep-alive goes on after a held answer.
  Connection connection(port_);
  ASSERT_TRUE(connection.send_all("GET /api/v1/held?ms=10 HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto first = connection.read_response();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 200);
  ASSERT_TRUE(connection.send_all("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto second = connection.read_response();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status, 200);
}

TEST_F(HttpServerTest, AGateMaySendAnAnswerMadeOnlyWhenItIsReleased) {
  auto response = round_trip(port_, get_request("/api/v1/held?ms=10&replace=1"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(response->json().at("made").as_string(), "later");
  EXPECT_EQ(response->body.find("held"), std::string::npos);
  EXPECT_EQ(response->header("retry-after"), "42");
}

TEST_F(HttpServerTest, StopLetsAHeldAnswerGoOutFirst) {
  auto held = std::async(std::launch::async, [this] { return round_trip(port_, get_request("/api/v1/held?ms=300")); });
  std::this_thread::sleep_for(50ms);
  server_->stop();
  auto response = held.get();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST(HttpServerLifecycleTest, StopWithoutStartAndBadAddress) {
  HttpServer never_started(HttpServerOptions{}, make_router());
  never_started.stop();
  never_started.stop();

  HttpServerOptions options;
  options.address = "not-an-address";
  options.port = 0;
  HttpServer bad(options, make_router());
  EXPECT_ERROR(bad.start(), ErrorCode::kInvalidArgument, "not-an-address");
}

TEST(HttpServerRateLimitTest, TooManyRequestsGet429WithRetryAfter) {
  HttpServerOptions options;
  options.port = 0;
  options.rate_limit_requests_per_s = 2;
  HttpServer server(options, make_router());
  ASSERT_OK(server.start());
  std::optional<RawResponse> refused;
  for (int i = 0; i < 20 && !refused; ++i) {
    auto response = round_trip(server.port(), get_request("/api/v1/health"));
    ASSERT_TRUE(response.has_value());
    if (response->status == 429) refused = response;
  }
  ASSERT_TRUE(refused.has_value()) << "no request was rate limited";
  EXPECT_EQ(refused->error_code(), "resource_exhausted");
  EXPECT_EQ(refused->header("retry-after"), "1");
}

}  // namespace
}  // namespace ektp::api

namespace ektp::api {
namespace {

TEST(HttpServerSignalTest, StopFromAnotherThreadEndsRunUntilSignal) {
  HttpServerOptions options;
  options.port = 0;
  HttpServer server(options, make_router());
  ASSERT_OK(server.start());
  auto finished = std::async(std::launch::async, [&server] { server.run_until_signal(); });
  ASSERT_TRUE(round_trip(server.port(), get_request("/api/v1/health")).has_value());
  server.stop();
  EXPECT_EQ(finished.wait_for(20s), std::future_status::ready);
}

TEST(HttpServerSignalTest, SigtermStopsTheServer) {
  // Until run_until_signal has installed its handler, a SIGTERM lands here instead of killing
  // the test; then the wait below times out and the test fails cleanly.
  struct sigaction absorb {};
  absorb.sa_handler = [](int) {};
  struct sigaction previous {};
  ASSERT_EQ(::sigaction(SIGTERM, &absorb, &previous), 0);
  HttpServerOptions options;
  options.port = 0;
  HttpServer server(options, make_router());
  ASSERT_OK(server.start());
  auto finished = std::async(std::launch::async, [&server] { server.run_until_signal(); });
  std::this_thread::sleep_for(1s);
  ::kill(::getpid(), SIGTERM);
  const bool stopped = finished.wait_for(20s) == std::future_status::ready;
  server.stop();
  finished.wait();
  EXPECT_TRUE(stopped) << "SIGTERM did not stop the server";
  EXPECT_FALSE(round_trip(server.port(), get_request("/api/v1/health")).has_value());
  ::sigaction(SIGTERM, &previous, nullptr);
}

}  // namespace
}  // namespace ektp::api

namespace ektp::api {
namespace {

// Framing a server must not guess at: an unknown Transfer-Encoding (whose body would otherwise be
// read as a second, smuggled request), two lengths, no Host. Each is a 400 and the connection
// closes, so nothing after it is taken as a request.
TEST_F(HttpServerTest, AmbiguousFramingIs400AndNothingIsSmuggled) {
  const std::string smuggled = "GET /api/v1/persons/3327015508900001 HTTP/1.1\r\nHost: t\r\n\r\n";
  for (const std::string& raw : {
           "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n" + smuggled,
           "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" +
               smuggled,
           "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}" + smuggled,
           "GET /api/v1/health HTTP/1.1\r\n\r\n" + smuggled,
           "GET /api/v1/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + smuggled}) {
    SCOPED_TRACE(raw.substr(0, 60));
    Connection connection(port_);
    ASSERT_TRUE(connection.connected());
    ASSERT_TRUE(connection.send_all(raw));
    auto first = connection.read_response();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->status, 400);
    EXPECT_FALSE(connection.read_response().has_value()) << "a second request was read from the body";
  }
  expect_healthy();
}

// A large upload body is read only once the caller is known from the headers.
TEST_F(HttpServerTest, ALargeUploadFromAnUnknownCallerIsRefusedBeforeItsBody) {
  const std::string header = "POST /api/v1/sync/upload HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                             "Content-Length: 50000000\r\n\r\n";
  Connection connection(port_);
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.send_all(header));
  auto response = connection.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 401);
  expect_healthy();
}

TEST_F(HttpServerTest, AnswersAreNeverCachedNorFramed) {
  auto response = round_trip(port_, get_request("/api/v1/health"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->header("cache-control"), "no-store");
  EXPECT_EQ(response->header("x-frame-options"), "DENY");
  EXPECT_EQ(response->header("referrer-policy"), "no-referrer");
  auto page = round_trip(port_, get_request("/"));
  ASSERT_TRUE(page.has_value());
  EXPECT_NE(page->header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
}

// One address cannot hold every connection: past its share a new one is closed at once, and the
// others (another address, or this one once it lets go) are still served.
TEST(HttpServerConnectionCapTest, OneAddressGetsOnlyItsShare) {
  HttpServerOptions options;
  options.port = 0;
  options.connections_per_address_max = 4;
  HttpServer server(options, make_router());
  ASSERT_OK(server.start());
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<Connection>(server.port()));
    ASSERT_TRUE(held.back()->connected());
    ASSERT_TRUE(held.back()->send_all("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_TRUE(held.back()->read_response().has_value());
  }
  Connection fifth(server.port());
  ASSERT_TRUE(fifth.connected());
  (void)fifth.send_all("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_FALSE(fifth.read_response().has_value()) << "the fifth connection from one address was served";
  held.pop_back();
  std::this_thread::sleep_for(100ms);
  auto again = round_trip(server.port(), get_request("/api/v1/health"));
  ASSERT_TRUE(again.has_value()) << "a freed slot was not given back";
  EXPECT_EQ(again->status, 200);
}

// X-Forwarded-For names the client only when a trusted proxy sends it; from anyone else it is
// ignored (or every client could pick a fresh address and never be rate-limited).
TEST(HttpServerProxyTest, OnlyATrustedProxyNamesTheClient) {
  const auto whoami = [](std::uint16_t port, std::string_view forwarded) {
    auto response = round_trip(port, "GET /api/v1/whoami HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Forwarded-For: " +
                                         std::string(forwarded) + "\r\n\r\n");
    return response ? std::string(response->json().at("client").as_string()) : std::string("no answer");
  };
  HttpServerOptions untrusted;
  untrusted.port = 0;
  HttpServer plain(untrusted, make_router());
  ASSERT_OK(plain.start());
  EXPECT_EQ(whoami(plain.port(), "203.0.113.7"), "127.0.0.1");
  HttpServerOptions trusted = untrusted;
  trusted.trusted_proxies = {"127.0.0.1"};
  HttpServer proxied(trusted, make_router());
  ASSERT_OK(proxied.start());
  EXPECT_EQ(whoami(proxied.port(), "198.51.100.1, 203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(whoami(proxied.port(), "not an address"), "127.0.0.1");
}

TEST(HttpServerPlainHttpTest, PlainHttpIsRefusedOffLoopback) {
  HttpServerOptions options;
  options.address = "0.0.0.0";
  options.port = 0;
  HttpServer server(options, make_router());
  EXPECT_ERROR(server.start(), ErrorCode::kInvalidArgument, "refusing plain HTTP");
}

}  // namespace
}  // namespace ektp::api
