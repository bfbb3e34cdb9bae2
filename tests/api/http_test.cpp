#include "api/http.h"

#include <chrono>
#include <string>

#include <boost/json/parse.hpp>

#include "core/limits.h"
#include "support/test_support.h"

namespace ektp::api {
namespace {

HttpResponse ok_response(const HttpRequest&) { return HttpResponse{}; }

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router;
  router.add("GET", "/api/v1/health", ok_response);
  router.add("GET", "/api/v1/persons/{nik}/history", ok_response);
  HttpRequest request;
  request.method = "GET";
  request.path = "/api/v1/persons/3327015508900001/history";
  bool method_allowed = false;
  ASSERT_NE(router.match(request, method_allowed), nullptr);
  EXPECT_TRUE(method_allowed);
  EXPECT_EQ(request.path_params.at("nik"), "3327015508900001");

  request.path = "/api/v1/health/";  // a trailing slash routes alike
  EXPECT_NE(router.match(request, method_allowed), nullptr);
}

TEST(RouterTest, TellsNotFoundFromMethodNotAllowed) {
  Router router;
  router.add("GET", "/api/v1/persons/{nik}", ok_response);
  router.add("DELETE", "/api/v1/persons/{nik}", ok_response);
  HttpRequest request;
  request.method = "POST";
  request.path = "/api/v1/persons/1";
  bool method_allowed = true;
  EXPECT_EQ(router.match(request, method_allowed), nullptr);
  EXPECT_FALSE(method_allowed);
  EXPECT_EQ(router.allowed_methods("/api/v1/persons/1"),
            (std::vector<std::string>{"DELETE", "GET"}));

  request.path = "/api/v1/persons/1/extra";
  EXPECT_EQ(router.match(request, method_allowed), nullptr);
  EXPECT_TRUE(method_allowed);
  EXPECT_TRUE(router.allowed_methods("/api/v1/nothing").empty());
}

TEST(RouterTest, PicksTheRouteOfTheMethod) {
  Router router;
  router.add("GET", "/api/v1/items/{id}", [](const HttpRequest&) {
    HttpResponse response;
    response.body = "get";
    return response;
  });
  router.add("PUT", "/api/v1/items/{id}", [](const HttpRequest&) {
    HttpResponse response;
    response.body = "put";
    return response;
  });
  HttpRequest request;
  request.method = "PUT";
  request.path = "/api/v1/items/7";
  bool method_allowed = false;
  const Handler* handler = router.match(request, method_allowed);
  ASSERT_NE(handler, nullptr);
  EXPECT_EQ((*handler)(request).body, "put");
}

TEST(HttpStatusTest, MapsEveryCode) {
  EXPECT_EQ(http_status_for(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(http_status_for(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(http_status_for(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(http_status_for(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status_for(ErrorCode::kAlreadyExists), 409);
  EXPECT_EQ(http_status_for(ErrorCode::kAborted), 409);
  EXPECT_EQ(http_status_for(ErrorCode::kFailedPrecondition), 409);
  EXPECT_EQ(http_status_for(ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(http_status_for(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(http_status_for(ErrorCode::kDataLoss), 500);
  EXPECT_EQ(http_status_for(ErrorCode::kInternal), 500);
}

TEST(HttpStatusTest, ResourceExhaustedIs413ForPayloads) {
  EXPECT_EQ(http_status_for(Error{ErrorCode::kResourceExhausted, "payload over 1 MiB"}), 413);
  EXPECT_EQ(http_status_for(Error{ErrorCode::kResourceExhausted, "JSON body is too large"}),
            413);
  EXPECT_EQ(http_status_for(Error{ErrorCode::kResourceExhausted, "rate limit exceeded"}), 429);
  EXPECT_EQ(http_status_for(Error{ErrorCode::kNotFound, "too large"}), 404);
}

TEST(ErrorResponseTest, WritesCodeAndMessageAsJson) {
  const HttpResponse response = error_response(Error{ErrorCode::kNotFound, "no person \"x\""});
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  const boost::json::value body = boost::json::parse(response.body);
  EXPECT_EQ(body.at("error").at("code").as_string(), "not_found");
  EXPECT_EQ(body.at("error").at("message").as_string(), "no person \"x\"");

  const HttpResponse custom = error_response(413, "payload_too_large", "over");
  EXPECT_EQ(custom.status, 413);
  EXPECT_EQ(boost::json::parse(custom.body).at("error").at("code").as_string(),
            "payload_too_large");
}

TEST(JsonResponseTest, SerializesWithStatus) {
  const HttpResponse response = json_response(boost::json::object{{"status", "ok"}}, 201);
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"({"status":"ok"})");
}

TEST(ParseJsonBodyTest, ParsesObjects) {
  auto value = parse_json_body(R"( {"name":"Siti Aminah","tags":["a",{"b":[1,2]}]} )");
  ASSERT_OK(value);
  EXPECT_EQ(value->at("name").as_string(), "Siti Aminah");
}

TEST(ParseJsonBodyTest, AcceptsUtf8Text) {
  auto value = parse_json_body("{\"name\":\"Nur \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}");
  ASSERT_OK(value);
}

TEST(ParseJsonBodyTest, RejectsTruncatedWithOffset) {
  EXPECT_ERROR(parse_json_body(R"({"name":"Siti")"), ErrorCode::kInvalidArgument,
               "truncated at byte 14");
  EXPECT_ERROR(parse_json_body(""), ErrorCode::kInvalidArgument, "truncated at byte 0");
}

TEST(ParseJsonBodyTest, RejectsInvalidWithOffset) {
  EXPECT_ERROR(parse_json_body(R"({"a":1,,})"), ErrorCode::kInvalidArgument, "at byte 7");
  EXPECT_ERROR(parse_json_body(R"({"a":1} x)"), ErrorCode::kInvalidArgument, "extra data");
}

TEST(ParseJsonBodyTest, RejectsDeepNestingBeforeParsing) {
  const std::string deep = std::string(10'000, '[') + std::string(10'000, ']');
  const auto started = std::chrono::steady_clock::now();
  EXPECT_ERROR(parse_json_body(deep), ErrorCode::kInvalidArgument, "deeper than 32");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));

  std::string at_limit = std::string(limits::json_depth_max, '[') +
                         std::string(limits::json_depth_max, ']');
  EXPECT_OK(parse_json_body(at_limit));
  std::string over = "[" + at_limit + "]";
  EXPECT_ERROR(parse_json_body(over), ErrorCode::kInvalidArgument, "deeper");
}

TEST(ParseJsonBodyTest, BracketsInStringsDoNotCount) {
  const std::string brackets(1'000, '[');
  EXPECT_OK(parse_json_body("{\"text\":\"" + brackets + "\\\"" + brackets + "\"}"));
}

TEST(ParseJsonBodyTest, RejectsBadUtf8) {
  EXPECT_ERROR(parse_json_body("{\"a\":\"\xFF\"}"), ErrorCode::kInvalidArgument,
               "not valid UTF-8 at byte 6");
  EXPECT_ERROR(parse_json_body("{\"a\":\"\xC0\xAF\"}"), ErrorCode::kInvalidArgument, "UTF-8");
  EXPECT_ERROR(parse_json_body("{\"a\":\"\xED\xA0\x80\"}"), ErrorCode::kInvalidArgument,
               "UTF-8");  // a surrogate
  EXPECT_ERROR(parse_json_body("{\"a\":\"\xE2\x82\"}"), ErrorCode::kInvalidArgument, "UTF-8");
}

TEST(ParseJsonBodyTest, RejectsOversizedBody) {
  const std::string big = "\"" + std::string(limits::request_body_bytes_max, 'a') + "\"";
  const auto result = parse_json_body(big);
  EXPECT_ERROR(result, ErrorCode::kResourceExhausted, "limit");
  EXPECT_EQ(http_status_for(result.error()), 413);
}

TEST(PercentDecodeTest, DecodesAndRejectsBadEscapes) {
  EXPECT_EQ(percent_decode("Siti%20Aminah%2Fx").value(), "Siti Aminah/x");
  EXPECT_EQ(percent_decode("a+b", true).value(), "a b");
  EXPECT_EQ(percent_decode("a+b").value(), "a+b");
  EXPECT_ERROR(percent_decode("%4"), ErrorCode::kInvalidArgument, "percent-encoding");
  EXPECT_ERROR(percent_decode("%zz"), ErrorCode::kInvalidArgument, "percent-encoding");
  EXPECT_ERROR(percent_decode("a%00b"), ErrorCode::kInvalidArgument, "NUL");
}

TEST(ParseRequestTargetTest, SplitsPathAndQuery) {
  HttpRequest request;
  request.target = "/api/v1/persons%2Dsearch?name=Siti+A%26B&limit=10&flag&name=second";
  ASSERT_OK(parse_request_target(request));
  EXPECT_EQ(request.path, "/api/v1/persons-search");
  EXPECT_EQ(request.query.at("name"), "Siti A&B");
  EXPECT_EQ(request.query.at("limit"), "10");
  EXPECT_EQ(request.query.at("flag"), "");

  request.target = "/a?x=%G0";
  EXPECT_ERROR(parse_request_target(request), ErrorCode::kInvalidArgument, "query");
  request.target = "http://example.com/";
  EXPECT_ERROR(parse_request_target(request), ErrorCode::kInvalidArgument, "starting with '/'");
}

// "/api/v1/persons/x%2F..%2Faudit" must not become more path segments after routing.
TEST(ParseRequestTargetTest, RefusesEncodedSeparatorsInThePath) {
  HttpRequest request;
  for (const char* target : {"/api/v1/persons/3327%2F..%2Faudit", "/api/v1/persons/3327%2f", "/web%5C..%5Csecret",
                             "/a%5cb"}) {
    SCOPED_TRACE(target);
    request.target = target;
    EXPECT_ERROR(parse_request_target(request), ErrorCode::kInvalidArgument, "encoded");
  }
  // In the query an encoded slash is just a character.
  request.target = "/api/v1/persons?name=a%2Fb";
  ASSERT_OK(parse_request_target(request));
  EXPECT_EQ(request.query.at("name"), "a/b");
}

}  // namespace
}  // namespace ektp::api
