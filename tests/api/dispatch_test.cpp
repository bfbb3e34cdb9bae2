#include "api/dispatch.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "support/test_support.h"

namespace ektp::api::detail {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<Router> make_router() {
  auto router = std::make_shared<Router>();
  router->add("GET", "/api/v1/health", [](const HttpRequest&) {
    return json_response(boost::json::object{{"status", "ok"}});
  });
  router->add("POST", "/api/v1/persons", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("bug");
  });
  return router;
}

HttpRequest make_request(std::string method, std::string target) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.client_address = "10.1.2.3";
  return request;
}

TEST(DispatcherTest, RoutesApiPaths) {
  Dispatcher dispatcher(make_router(), {}, 1000);
  HttpRequest health = make_request("GET", "/api/v1/health?x=1");
  EXPECT_EQ(dispatcher.respond(health).status, 200);
  EXPECT_EQ(health.query.at("x"), "1");

  HttpRequest missing = make_request("GET", "/api/v2/health");
  EXPECT_EQ(dispatcher.respond(missing).status, 404);

  HttpRequest wrong = make_request("DELETE", "/api/v1/persons");
  const HttpResponse refused = dispatcher.respond(wrong);
  EXPECT_EQ(refused.status, 405);
  ASSERT_EQ(refused.headers.size(), 1u);
  EXPECT_EQ(refused.headers[0], (std::pair<std::string, std::string>{"Allow", "POST"}));
}

TEST(DispatcherTest, HandlerExceptionsReachTheCaller) {
  Dispatcher dispatcher(make_router(), {}, 1000);
  HttpRequest request = make_request("POST", "/api/v1/persons");
  EXPECT_THROW(dispatcher.respond(request), std::runtime_error);
}

TEST(DispatcherTest, BadTargetIs400) {
  Dispatcher dispatcher(make_router(), {}, 1000);
  HttpRequest request = make_request("GET", "/api/v1/%zz");
  EXPECT_EQ(dispatcher.respond(request).status, 400);
}

TEST(DispatcherTest, NoWebRootMeans404ForOtherPaths) {
  Dispatcher dispatcher(make_router(), {}, 1000);
  HttpRequest request = make_request("GET", "/index.html");
  EXPECT_EQ(dispatcher.respond(request).status, 404);
  HttpRequest post = make_request("POST", "/index.html");
  EXPECT_EQ(dispatcher.respond(post).status, 405);
}

TEST(DispatcherTest, ServesStaticFiles) {
  const fs::path root =
      fs::temp_directory_path() / ("ektp_dispatch_" + std::to_string(std::random_device{}()));
  fs::create_directories(root);
  std::ofstream(root / "index.html") << "<p>ektp</p>";
  Dispatcher dispatcher(make_router(), root, 1000);
  HttpRequest request = make_request("GET", "/persons/1");
  const HttpResponse response = dispatcher.respond(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "<p>ektp</p>");
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  fs::remove_all(root);
}

TEST(DispatcherTest, RateLimitsPerClient) {
  Dispatcher dispatcher(make_router(), {}, 1);
  HttpRequest first = make_request("GET", "/api/v1/health");
  EXPECT_EQ(dispatcher.respond(first).status, 200);
  HttpRequest second = make_request("GET", "/api/v1/health");
  const HttpResponse limited = dispatcher.respond(second);
  EXPECT_EQ(limited.status, 429);
  ASSERT_EQ(limited.headers.size(), 1u);
  EXPECT_EQ(limited.headers[0].first, "Retry-After");
  HttpRequest other = make_request("GET", "/api/v1/health");
  other.client_address = "10.9.9.9";
  EXPECT_EQ(dispatcher.respond(other).status, 200);
}

TEST(CheckResponseTest, RefusesBadStatusAndHeaderInjection) {
  HttpResponse response;
  EXPECT_OK(check_response(response));
  response.headers.emplace_back("Location", "/persons/1");
  EXPECT_OK(check_response(response));

  HttpResponse bad_status;
  bad_status.status = 42;
  EXPECT_ERROR(check_response(bad_status), ErrorCode::kInternal, "status 42");

  HttpResponse injected;
  injected.headers.emplace_back("Location", "/x\r\nSet-Cookie: a=b");
  EXPECT_ERROR(check_response(injected), ErrorCode::kInternal, "Location");

  HttpResponse bad_name;
  bad_name.headers.emplace_back("X-A: b", "c");
  EXPECT_ERROR(check_response(bad_name), ErrorCode::kInternal, "bad header");

  HttpResponse bad_type;
  bad_type.content_type = std::string("text/plain\0x", 12);
  EXPECT_ERROR(check_response(bad_type), ErrorCode::kInternal, "content type");
}

}  // namespace
}  // namespace ektp::api::detail
