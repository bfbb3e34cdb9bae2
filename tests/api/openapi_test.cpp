// docs/openapi.json against the servers that answer it, on SQLite and PostgreSQL: the document is
// whole (every reference resolves, every operation has its tag, security, servers and answers);
// every route of central and of a station is described and every described operation is routed
// (each one that is not is named); real answers of a good part of the API — public routes, reads,
// civil events, administration, cards, agencies, the chip, the resident's own page — have a
// documented status and content type and match the documented schema, and the requests they
// accepted match the documented request body; answers and requests altered on purpose (a required member gone, a wrong type, an
// unknown member, a body where none is documented, a wrong content type) are reported; and
// GET /api/v1/openapi.json serves the file in docs/ byte for byte.
#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gmock/gmock.h>

#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "agency/delivery_schedule.h"
#include "agency/event_outbox.h"
#include "agency/webhook_delivery.h"
#include "agency/webhook_signature.h"
#include "api/openapi_document.h"
#include "api/server_routes.h"
#include "registry/person_store.h"
#include "support/openapi_check.h"
#include "support/route_fixture.h"

namespace ektp::test {
namespace {

using RouteSet = std::set<std::pair<std::string, std::string>>;

std::string docs_openapi_path() { return std::string(EKTP_SOURCE_DIR) + "/docs/openapi.json"; }

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

RouteSet routes_of(const Router& router) {
  RouteSet out;
  for (const auto& route : router.routes()) out.insert(route);
  return out;
}

std::string listed(const RouteSet& routes) {
  std::string out;
  for (const auto& [method, pattern] : routes) out += fmt::format("  {} {}\n", method, pattern);
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "  " + line + "\n";
  return out;
}

std::string bearer(const std::string& token) { return "Bearer " + token; }

// Every "$ref" found under `value` that names nothing in the document.
void collect_broken_refs(const boost::json::value& value, SchemaChecker& checker, const boost::json::object& document,
                         const std::string& at, std::vector<std::string>& broken) {
  if (value.is_array()) {
    for (std::size_t k = 0; k < value.as_array().size(); ++k) {
      collect_broken_refs(value.as_array()[k], checker, document, fmt::format("{}[{}]", at, k), broken);
    }
  }
  if (!value.is_object()) return;
  for (const auto& [key, member] : value.as_object()) {
    if (key == "$ref") {
      const std::string_view ref = member.is_string() ? std::string_view(member.as_string()) : "";
      constexpr std::string_view kResponses = "#/components/responses/";
      const bool resolves = ref.starts_with(kResponses)
                                ? document.at("components").as_object().at("responses").as_object().contains(
                                      ref.substr(kResponses.size()))
                                : checker.resolve(value) != nullptr;
      if (!resolves) broken.push_back(fmt::format("{}: {}", at, ref));
    } else {
      collect_broken_refs(member, checker, document, at + "/" + std::string(key), broken);
    }
  }
}

// The document on its own: every reference resolves, every operation has its tag, security,
// servers, a success answer and a default, the roles of a token route, and each {parameter} of
// its path declared.
TEST(OpenApiDocumentTest, EveryReferenceResolvesAndEveryOperationIsComplete) {
  std::string problem;
  auto document = OpenApiDocument::load(docs_openapi_path(), problem);
  ASSERT_TRUE(document.has_value()) << problem;
  const auto& json = document->json();
  SchemaChecker checker(json);
  std::vector<std::string> broken;
  collect_broken_refs(json, checker, json, "#", broken);
  EXPECT_TRUE(broken.empty()) << "references to nothing:\n" << joined(broken);

  std::set<std::string> tags;
  for (const auto& tag : json.at("tags").as_array()) tags.insert(std::string(tag.at("name").as_string()));
  std::vector<std::string> incomplete;
  std::size_t operations = 0;
  for (const auto& [key, item] : json.at("paths").as_object()) {
    const std::string_view path(key.data(), key.size());
    std::set<std::string> declared;
    const auto declare = [&](const boost::json::value* parameters) {
      if (parameters == nullptr) return;
      for (const auto& p : parameters->as_array()) {
        if (p.at("in") == "path") declared.insert(std::string(p.at("name").as_string()));
      }
    };
    declare(item.as_object().if_contains("parameters"));
    for (const auto& [method, value] : item.as_object()) {
      if (method == "parameters") continue;
      ++operations;
      const auto& operation = value.as_object();
      const std::string name = fmt::format("{} {}", std::string_view(method.data(), method.size()), path);
      const auto* tag = operation.if_contains("tags");
      if (tag == nullptr || tag->as_array().size() != 1 ||
          !tags.contains(std::string(tag->as_array()[0].as_string()))) {
        incomplete.push_back(name + ": one declared tag");
      }
      if (!operation.contains("summary")) incomplete.push_back(name + ": summary");
      if (!operation.contains("x-ektp-servers")) incomplete.push_back(name + ": x-ektp-servers");
      const auto* security = operation.if_contains("security");
      if (security == nullptr) incomplete.push_back(name + ": security");
      const bool token = security && !security->as_array().empty() &&
                         security->as_array()[0].as_object().contains("sessionToken");
      if (token && !operation.contains("x-ektp-roles")) incomplete.push_back(name + ": x-ektp-roles");
      const auto& responses = operation.at("responses").as_object();
      const bool success = std::any_of(responses.begin(), responses.end(),
                                       [](const auto& r) { return r.key().starts_with("2"); });
      if (!success || !responses.contains("default")) incomplete.push_back(name + ": a 2xx answer and a default");
      std::set<std::string> all = declared;
      const auto* own = operation.if_contains("parameters");
      if (own != nullptr) {
        for (const auto& p : own->as_array()) {
          if (p.at("in") == "path") all.insert(std::string(p.at("name").as_string()));
        }
      }
      for (std::size_t open = path.find('{'); open != std::string_view::npos; open = path.find('{', open + 1)) {
        const std::string parameter(path.substr(open + 1, path.find('}', open) - open - 1));
        if (!all.contains(parameter)) incomplete.push_back(name + ": path parameter " + parameter);
      }
    }
  }
  EXPECT_GT(operations, 100u);
  EXPECT_TRUE(incomplete.empty()) << "operations missing a part:\n" << joined(incomplete);
}

class OpenApiTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    std::string problem;
    document = OpenApiDocument::load(docs_openapi_path(), problem);
    ASSERT_TRUE(document.has_value()) << problem;
    // The router `ektp serve` builds, in place of the fixture's registry routes.
    router = Router();
    api::add_central_server_routes(router, *services);
  }

  // A request as the server makes it from the target (path and query decoded).
  HttpResponse send(const std::string& method, const std::string& target, const std::string& authorization,
                    const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    EXPECT_OK(api::parse_request_target(request));
    request.body = body;
    request.content_type = "application/json";
    request.client_address = "192.0.2.30";
    request.authorization = authorization;
    bool method_allowed = false;
    const Handler* handler = router.match(request, method_allowed);
    if (handler == nullptr) return HttpResponse{method_allowed ? 405 : 404, "", "", {}, {}};
    return settle((*handler)(request));
  }

  // Sends the request, expects `status`, and fails naming each way the answer differs from
  // what docs/openapi.json documents for it (and, for an accepted request, the request too).
  HttpResponse expect_documented(const std::string& method, const std::string& target, const std::string& authorization,
                                 const std::string& body, int status) {
    HttpResponse response = send(method, target, authorization, body);
    EXPECT_EQ(response.status, status) << method << " " << target << " → " << response.body.substr(0, 400);
    const std::string path = target.substr(0, target.find('?'));
    const auto problems = document->problems(method, path, response.status, response.content_type, response.body);
    EXPECT_TRUE(problems.empty()) << method << " " << target << " does not match docs/openapi.json:\n"
                                  << joined(problems) << "body: " << response.body.substr(0, 600);
    // A request the server accepted must be one the document describes as acceptable.
    if (response.status / 100 == 2) {
      const auto request_problems = document->request_problems(method, path, body);
      EXPECT_TRUE(request_problems.empty()) << joined(request_problems);
    }
    ++answers_checked;
    return response;
  }

  // An adult resident of the demo regency (load_demo_regency first).
  Person adult_resident() {
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto row = (*conn)->execute(
        "SELECT nik FROM persons WHERE alive = 1 AND birth_date < '2000-01-01' ORDER BY nik LIMIT 1");
    EXPECT_OK(row);
    auto person = registry::load_person(**conn, row->rows.front().text(0));
    EXPECT_OK(person);
    return person ? *person : Person{};
  }

  std::optional<OpenApiDocument> document;
  int answers_checked = 0;
};

TEST_P(OpenApiTest, EveryRouteIsDescribedAndEveryDescribedOperationIsRouted) {
  api::StationServices station_services{*services, sync::StationIdentity{}, nullptr, {}, {}};
  Router station_router;
  api::add_station_server_routes(station_router, station_services);
  const std::map<std::string, RouteSet> routed{{"central", routes_of(router)}, {"station", routes_of(station_router)}};
  ASSERT_GT(routed.at("central").size(), 90u);
  ASSERT_GT(routed.at("station").size(), 40u);

  std::map<std::string, RouteSet> described;
  for (const auto& operation : document->operations()) {
    EXPECT_FALSE(operation.servers.empty()) << operation.method << " " << operation.pattern << ": no x-ektp-servers";
    for (const auto& server : operation.servers) {
      EXPECT_TRUE(routed.contains(server)) << operation.method << " " << operation.pattern << ": unknown server "
                                           << server;
      described[server].insert({operation.method, operation.pattern});
    }
  }
  for (const auto& [server, routes] : routed) {
    RouteSet undescribed;
    RouteSet unrouted;
    std::set_difference(routes.begin(), routes.end(), described[server].begin(), described[server].end(),
                        std::inserter(undescribed, undescribed.end()));
    std::set_difference(described[server].begin(), described[server].end(), routes.begin(), routes.end(),
                        std::inserter(unrouted, unrouted.end()));
    EXPECT_TRUE(undescribed.empty()) << "routes of the " << server << " server that docs/openapi.json does not "
                                     << "describe (for x-ektp-servers " << server << "):\n" << listed(undescribed);
    EXPECT_TRUE(unrouted.empty()) << "operations docs/openapi.json gives the " << server << " server that it does "
                                  << "not route:\n" << listed(unrouted);
  }
}

TEST_P(OpenApiTest, TheServedDocumentIsDocsOpenapiJson) {
  const std::string expected = file_text(docs_openapi_path());
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(api::openapi_json(), expected) << "rebuild: the binary embeds an older docs/openapi.json";
  const HttpResponse response = expect_documented("GET", "/api/v1/openapi.json", "", "", 200);
  EXPECT_EQ(response.body, expected);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_TRUE(std::any_of(response.headers.begin(), response.headers.end(),
                          [](const auto& h) { return h.first == "Cache-Control" && h.second.starts_with("public"); }));
  const auto& json = document->json();
  ASSERT_TRUE(json.contains("openapi") && json.at("openapi").is_string());
  EXPECT_TRUE(std::string_view(json.at("openapi").as_string()).starts_with("3."));
  EXPECT_EQ(document->base_path(), "/api/v1");
  // A station serves it too (the registry's routes).
  api::StationServices station_services{*services, sync::StationIdentity{}, nullptr, {}, {}};
  Router station_router;
  api::add_station_server_routes(station_router, station_services);
  EXPECT_TRUE(routes_of(station_router).contains({"GET", "/api/v1/openapi.json"}));
}

TEST_P(OpenApiTest, PublicAnswersMatchTheDocument) {
  load_demo_regency(40);
  expect_documented("GET", "/api/v1/health", "", "", 200);
  expect_documented("GET", "/api/v1/service-standards", "", "", 200);
  expect_documented("GET", "/api/v1/regions/root", "", "", 200);
  expect_documented("GET", "/api/v1/regions/3327", "", "", 200);
  expect_documented("GET", "/api/v1/regions/99", "", "", 404);
  expect_documented("POST", "/api/v1/auth/login", "", R"({"username":"ani.op","password":"operator-password"})", 200);
  expect_documented("POST", "/api/v1/auth/login", "", R"({"username":"ani.op","password":"not-the-password"})", 401);
  expect_documented("POST", "/api/v1/auth/login", "", R"({"username":"ani.op"})", 400);
  const Person resident = adult_resident();
  expect_documented("POST", "/api/v1/public/enrollment-status", "",
                    fmt::format(R"({{"nik":"{}","receipt_number":"7KQ4-M9XD-2P"}})", resident.nik), 404);
  expect_documented("GET", "/api/v1/public/trust-root", "", "", 503);  // this server keeps no SUKET keys
  expect_documented("GET", "/api/v1/chip/csca", "", "", 404);
  expect_documented("GET", "/api/v1/chip/revocations", "", "", 404);
  expect_documented("GET", "/api/v1/agencies", "", "", 200);
  EXPECT_EQ(answers_checked, 13);
}

TEST_P(OpenApiTest, ReadsMatchTheDocument) {
  load_demo_regency(60);
  const std::string reader = office_user("budi.op", Role::kOperator, "3327");
  const Person resident = adult_resident();
  const std::string person = "/api/v1/persons/" + resident.nik;
  expect_documented("GET", person, bearer(reader), "", 200);
  expect_documented("GET", person, "", "", 401);
  expect_documented("GET", person, bearer(operator_token), "", 403);  // an operator without an office
  expect_documented("GET", "/api/v1/persons/3327015508900009", bearer(reader), "", 404);
  const std::string first_name = resident.name.substr(0, resident.name.find(' '));
  const auto found = expect_documented("GET", "/api/v1/persons?name=" + first_name, bearer(reader), "", 200);
  EXPECT_NE(found.body.find(resident.nik), std::string::npos);
  expect_documented("GET", "/api/v1/persons?nik=" + resident.nik, bearer(reader), "", 200);
  expect_documented("GET", "/api/v1/persons", bearer(reader), "", 400);
  expect_documented("GET", person + "/history", bearer(reader), "", 200);
  expect_documented("GET", person + "/biodata.pdf", bearer(reader), "", 200);
  expect_documented("GET", person + "/enrollment-status", bearer(reader), "", 200);
  expect_documented("GET", "/api/v1/families/" + resident.kk_number, bearer(reader), "", 200);
  expect_documented("GET", "/api/v1/families/" + resident.kk_number + "/kk.pdf", bearer(reader), "", 200);
  expect_documented("GET", "/api/v1/coverage/3327", bearer(reader), "", 200);
  expect_documented("GET", "/api/v1/card/persons/" + resident.nik, bearer(reader), "", 200);
  expect_documented("GET", "/api/v1/auth/totp", bearer(reader), "", 200);
}

TEST_P(OpenApiTest, WritesAndAdministrationMatchTheDocument) {
  load_demo_regency(60);
  const std::string clerk = office_user("budi.op", Role::kOperator, "3327");
  const Person resident = adult_resident();
  const std::string death =
      fmt::format(R"({{"idempotency_key":"openapi-death-1","nik":"{}","date":"2026-11-20","place":"Pemalang"}})",
                  resident.nik);
  expect_documented("POST", "/api/v1/events/death", bearer(clerk), death, 201);
  expect_documented("POST", "/api/v1/events/death", bearer(clerk), death, 200);  // replayed
  expect_documented("POST", "/api/v1/events/death", bearer(clerk), R"({"idempotency_key":"openapi-death-2"})", 400);
  const Person other = [&] {
    auto conn = db().connect();
    auto row = (*conn)->execute("SELECT nik FROM persons WHERE alive = 1 AND nik <> $1 ORDER BY nik LIMIT 1",
                                {resident.nik});
    return *registry::load_person(**conn, row->rows.front().text(0));
  }();
  expect_documented("POST", "/api/v1/corrections", bearer(clerk),
                    fmt::format(R"({{"idempotency_key":"openapi-fix-1","nik":"{}","fields":{{"occupation":"Guru"}},)"
                                R"("reason":"ijazah"}})",
                                other.nik),
                    201);
  expect_documented("GET", "/api/v1/corrections", bearer(clerk), "", 200);
  expect_documented("POST", "/api/v1/users", bearer(admin_token),
                    R"({"username":"rina.op","password":"a-long-password-2026","role":"operator",)"
                    R"("office_region":"3327"})",
                    201);
  expect_documented("GET", "/api/v1/users", bearer(admin_token), "", 200);
  expect_documented("GET", "/api/v1/users", bearer(clerk), "", 403);
  expect_documented("GET", "/api/v1/users/ani.op/sessions", bearer(admin_token), "", 200);
  expect_documented("POST", "/api/v1/users/rina.op/office", bearer(admin_token), R"({"region_code":"332701"})", 200);
  expect_documented("GET", "/api/v1/audit/verify", bearer(admin_token), "", 200);
  expect_documented("POST", "/api/v1/stations", bearer(admin_token),
                    R"({"station_id":"st-332701-9","district_code":"332701","name":"Kecamatan Moga",)"
                    R"("operators":["ani.op"]})",
                    201);
  expect_documented("GET", "/api/v1/stations", bearer(admin_token), "", 200);
  expect_documented("GET", "/api/v1/adjudication/cases", bearer(admin_token), "", 200);
  expect_documented("GET", "/api/v1/sync/conflicts", bearer(admin_token), "", 200);
  expect_documented("POST", "/api/v1/auth/logout", bearer(login("ani.op", "operator-password")), "", 204);
}

TEST_P(OpenApiTest, CardAnswersMatchTheDocument) {
  load_demo_regency(40);
  const std::string office = "/api/v1/card/offices/3327";
  expect_documented("GET", office + "/stock", bearer(admin_token), "", 200);
  expect_documented("POST", office + "/stock/receive", bearer(admin_token),
                    R"({"first":1000,"last":1099,"allocation":"2026/11"})", 201);
  expect_documented("POST", office + "/stock/receive", bearer(admin_token),
                    R"({"first":1000,"last":1099,"allocation":"2026/11"})", 409);
  expect_documented("POST", office + "/stock/spoil", bearer(admin_token), R"({"serial":1000,"reason":"tergores"})",
                    200);
  expect_documented("POST", office + "/deliveries", bearer(admin_token),
                    R"({"expected_date":"2026-12-15","count":500})", 201);
  expect_documented("GET", office + "/deliveries", bearer(admin_token), "", 200);
  expect_documented("GET", office + "/queue", bearer(admin_token), "", 200);
  expect_documented("GET", office + "/allocation-requests", bearer(admin_token), "", 200);
  expect_documented("GET", office + "/uncollected", bearer(admin_token), "", 200);
  expect_documented("GET", office + "/stock", bearer(operator_token), "", 403);
}

TEST_P(OpenApiTest, AgencyAndChipAnswersMatchTheDocument) {
  load_demo_regency(40);
  agency::Agreement pks;
  pks.number = "440/77/PKS/2026";
  pks.purposes = {"verifikasi peserta JKN"};
  pks.verify_fields = {"name", "birth_date"};
  pks.retrieve_fields = {"name"};
  pks.operations = {agency::AgencyOperation::kVerify, agency::AgencyOperation::kRetrieve};
  pks.regions = {"3327"};
  pks.name_score = true;
  pks.daily_quota = 100;
  const auto issued = register_agency("bpjs-kesehatan", "BPJS Kesehatan", agency::AgencyKind::kHealthInsurance, pks);
  const std::string key = "ApiKey " + issued.secret;
  const Person resident = adult_resident();
  const auto claim = [&](const std::string& nik, const std::string& fields) {
    return fmt::format(R"({{"nik":"{}","purpose":"verifikasi peserta JKN","fields":{}}})", nik, fields);
  };
  const std::string claimed = fmt::format(R"({{"name":"{}","birth_date":"1900-01-01"}})", resident.name);
  expect_documented("POST", "/api/v1/agency/verify", key, claim(resident.nik, claimed), 200);
  expect_documented("POST", "/api/v1/agency/verify", key, claim("3327015508900009", R"({"name":"Siti"})"), 200);
  expect_documented("POST", "/api/v1/agency/verify", key, claim(resident.nik, R"({"religion":"islam"})"), 403);
  expect_documented("POST", "/api/v1/agency/verify", "", claim(resident.nik, R"({"name":"Siti"})"), 401);
  expect_documented("POST", "/api/v1/agency/retrieve", key, claim(resident.nik, R"(["name"])"), 200);
  const std::string marriage = fmt::format(
      R"({{"purpose":"verifikasi peserta JKN","certificate_number":"1/2026","husband_nik":"{}","wife_nik":"{}",)"
      R"("date":"2026-11-01"}})",
      resident.nik, resident.nik);
  expect_documented("POST", "/api/v1/agency/marriages", key, marriage, 403);  // not in BPJS's agreement
  expect_documented("POST", "/api/v1/agency/marriages", "", marriage, 401);
  expect_documented("GET", "/api/v1/agencies", "", "", 200);
  expect_documented("POST", "/api/v1/admin/agencies", bearer(admin_token),
                    R"({"code":"bank-jateng","name":"Bank Jateng","kind":"bank"})", 201);
  expect_documented("GET", "/api/v1/admin/agencies/bpjs-kesehatan/keys", bearer(admin_token), "", 200);
  expect_documented("POST", "/api/v1/admin/agency-keys/" + issued.key_id + "/suspend", bearer(admin_token),
                    R"({"reason":"audit"})", 200);
  // No CSCA yet: the verification is refused, in the documented error shape.
  expect_documented("POST", "/api/v1/chip/verify", bearer(admin_token), R"({"groups":{"1":"AAAA"},"ef_sod":"AAAA"})",
                    409);
  expect_documented("POST", "/api/v1/chip/verify", bearer(admin_token), R"({"groups":{},"ef_sod":"AAAA"})", 400);
}

TEST_P(OpenApiTest, ResidentAnswersMatchTheDocument) {
  load_demo_regency(40);
  const std::string clerk = office_user("budi.op", Role::kOperator, "3327");
  const Person resident = adult_resident();
  const std::string person = "/api/v1/persons/" + resident.nik;
  expect_documented("GET", person, bearer(clerk), "", 200);
  const auto issued = expect_documented("POST", person + "/resident-pin", bearer(clerk), "", 201);
  expect_documented("POST", person + "/resident-pin", bearer(admin_token), "", 403);
  const std::string pin(boost::json::parse(issued.body).at("pin").as_string());
  const auto sign_in = [&](const std::string& presented) {
    return fmt::format(R"({{"nik":"{}","birth_date":"{}","pin":"{}"}})", resident.nik,
                       format_civil_date(resident.birth_date), presented);
  };
  expect_documented("POST", "/api/v1/resident/login", "", sign_in(pin == "12345678" ? "87654321" : "12345678"), 401);
  expect_documented("POST", "/api/v1/resident/login", "", sign_in("12"), 400);
  const auto signed_in = expect_documented("POST", "/api/v1/resident/login", "", sign_in(pin), 200);
  const std::string token = "Resident " + std::string(boost::json::parse(signed_in.body).at("token").as_string());
  const auto reads = expect_documented("GET", "/api/v1/resident/reads?limit=10", token, "", 200);
  expect_documented("GET", "/api/v1/resident/reads", "", "", 401);
  expect_documented("GET", "/api/v1/resident/reads?limit=0", token, "", 400);
  expect_documented("GET", "/api/v1/resident/agreements", token, "", 200);
  const auto seq = boost::json::parse(reads.body).at("reads").as_array().at(0).at("seq").as_int64();
  expect_documented("POST", "/api/v1/resident/reports", token, fmt::format(R"({{"seq":{},"note":"tidak kenal"}})", seq),
                    201);
  expect_documented("POST", "/api/v1/resident/reports", token, fmt::format(R"({{"seq":{}}})", seq), 409);
  expect_documented("POST", "/api/v1/resident/reports", token, R"({"seq":1})", 404);
  const auto open = expect_documented("GET", "/api/v1/admin/resident-reports", bearer(admin_token), "", 200);
  expect_documented("GET", "/api/v1/admin/resident-reports", bearer(clerk), "", 403);
  const auto id = boost::json::parse(open.body).at("reports").as_array().at(0).at("id").as_int64();
  const std::string resolve = fmt::format("/api/v1/admin/resident-reports/{}/resolve", id);
  expect_documented("POST", resolve, bearer(admin_token), R"({"resolution":"sudah diperiksa"})", 200);
  expect_documented("POST", resolve, bearer(admin_token), R"({"resolution":"lagi"})", 409);
  expect_documented("GET", "/api/v1/admin/resident-reports?status=all", bearer(admin_token), "", 200);
  expect_documented("POST", "/api/v1/resident/logout", token, "", 204);
  expect_documented("POST", "/api/v1/resident/logout", token, "", 401);
  EXPECT_EQ(answers_checked, 20);
}

// The checker itself: an answer that breaks the document is reported, naming what is wrong.
// Event subscriptions: an agency subscribes, a birth recorded with the outbox hook (as `ektp serve`
// records it) waits for delivery, is dead-lettered by a receiver that answers 500, listed and
// replayed; the CloudEvent it carries matches AgencyCloudEvent.
TEST_P(OpenApiTest, EventSubscriptionAnswersMatchTheDocument) {
  load_demo_regency(40);
  const agency::AgencyChange admin{"admin.pusat", now_ms() - 86'400'000};
  ASSERT_OK(agency::create_agency(db(), {"bpjs-kesehatan", "BPJS Kesehatan", agency::AgencyKind::kHealthInsurance},
                                  admin));
  agency::Agreement pks;
  pks.agency_code = "bpjs-kesehatan";
  pks.number = "440/78/PKS/2026";
  pks.purposes = {"pemutakhiran data peserta JKN"};
  pks.verify_fields = {"nik", "name", "birth_date"};
  pks.retrieve_fields = {"nik", "name", "birth_date"};
  pks.operations = {agency::AgencyOperation::kRetrieve, agency::AgencyOperation::kSubscribe};
  pks.regions = {"3327"};
  pks.daily_quota = 100;
  pks.valid_from_ms = now_ms() - 86'400'000;
  pks.valid_until_ms = now_ms() + 365 * 86'400'000LL;
  ASSERT_OK(agency::add_agreement(db(), pks, admin));
  auto issued = agency::issue_api_key(db(), "bpjs-kesehatan", "webhooks", admin);
  ASSERT_OK(issued);
  const std::string key = "ApiKey " + issued->secret;
  const auto signing = agency::WebhookSigningKey::from_seed(std::array<std::uint8_t, 32>{4, 2});
  expect_documented("GET", "/api/v1/agency/webhook-key", "", "", 503);
  services->webhook_key = &signing;
  expect_documented("GET", "/api/v1/agency/webhook-key", "", "", 200);
  const auto made = expect_documented("POST", "/api/v1/agency/subscriptions", key,
                                      R"({"url":"https://93.184.216.34/ektp","event_types":["birth","death"]})", 201);
  expect_documented("POST", "/api/v1/agency/subscriptions", key,
                    R"({"url":"http://93.184.216.34/ektp","event_types":["birth"]})", 400);
  expect_documented("POST", "/api/v1/agency/subscriptions", "", R"({"url":"https://93.184.216.34/e","event_types":["birth"]})",
                    401);
  expect_documented("GET", "/api/v1/agency/subscriptions", key, "", 200);
  // A birth, dead-lettered by a receiver that always answers 500.
  registry::CivilRegistry hooked(db(), RegionDirectory::builtin(), agency::event_outbox_hook());
  const Person mother = [&] {
    auto conn = db().connect();
    auto row = (*conn)->execute("SELECT nik FROM persons WHERE sex = 'F' AND alive = 1 AND birth_date BETWEEN "
                                "'1983-01-01' AND '2005-01-01' ORDER BY nik LIMIT 1");
    EXPECT_OK(row);
    return *registry::load_person(**conn, row->rows.at(0).text(0));
  }();
  registry::BirthRequest birth;
  birth.name = "Putri Sejati";
  birth.birth_place = "Pemalang";
  birth.birth_date = jakarta_date_of(now - hours{48});
  birth.sex = Sex::kFemale;
  birth.mother_nik = mother.nik;
  ASSERT_OK(hooked.register_birth({{"ani.op", Role::kOperator}, now, "b-openapi", "hash"}, birth));
  expect_documented("GET", "/api/v1/agency/deliveries?state=pending", key, "", 200);
  std::int64_t clock = now_ms();
  std::string body;
  agency::WebhookDeliveryWorker worker(
      db(), signing,
      [&body](const agency::WebhookMessage& m) -> Result<int> {
        body = m.body;
        return 500;
      },
      [&clock] { return clock; });
  for (int i = 0; i < agency::kDeliveryAttemptsMax; ++i, clock += 25 * 3'600'000LL) ASSERT_OK(worker.run_once());
  const auto dead = expect_documented("GET", "/api/v1/agency/deliveries?state=dead", key, "", 200);
  const auto id = boost::json::parse(dead.body).at("deliveries").at(0).at("id").as_int64();
  expect_documented("GET", "/api/v1/agency/deliveries?state=lost", key, "", 400);
  expect_documented("GET", "/api/v1/admin/agencies/bpjs-kesehatan/deliveries", bearer(admin_token), "", 200);
  expect_documented("GET", "/api/v1/admin/agencies/bpjs-kesehatan/deliveries", bearer(operator_token), "", 403);
  expect_documented("POST", fmt::format("/api/v1/agency/deliveries/{}/replay", id), key, "{}", 200);
  expect_documented("POST", fmt::format("/api/v1/agency/deliveries/{}/replay", id), key, "", 409);
  expect_documented("POST", "/api/v1/agency/deliveries/999999/replay", key, "", 404);
  const auto subscription_id = boost::json::parse(made.body).at("id").as_int64();
  expect_documented("DELETE", fmt::format("/api/v1/agency/subscriptions/{}", subscription_id), key, "", 200);
  expect_documented("DELETE", fmt::format("/api/v1/agency/subscriptions/{}", subscription_id), key, "", 404);
  // What the receiver got is the documented CloudEvent.
  ASSERT_FALSE(body.empty());
  SchemaChecker checker(document->json());
  boost::json::value schema = {{"$ref", "#/components/schemas/AgencyCloudEvent"}};
  const auto problems = checker.check(boost::json::parse(body), *checker.resolve(schema));
  EXPECT_TRUE(problems.empty()) << joined(problems) << body;
}

TEST_P(OpenApiTest, AlteredAnswersAreReported) {
  load_demo_regency(20);
  const std::string reader = office_user("budi.op", Role::kOperator, "3327");
  const Person resident = adult_resident();
  const std::string path = "/api/v1/persons/" + resident.nik;
  const HttpResponse real = send("GET", path, bearer(reader));
  ASSERT_EQ(real.status, 200) << real.body;
  ASSERT_TRUE(document->problems("GET", path, 200, "application/json", real.body).empty());

  const auto problems_with = [&](const std::function<void(boost::json::object&)>& alter, int status = 200) {
    auto body = boost::json::parse(real.body).as_object();
    alter(body);
    return joined(document->problems("GET", path, status, "application/json", boost::json::serialize(body)));
  };
  EXPECT_THAT(problems_with([](auto& p) { p.erase("nik"); }), testing::HasSubstr("required member \"nik\" is missing"));
  EXPECT_THAT(problems_with([](auto& p) { p["age"] = "empat puluh"; }),
              testing::HasSubstr("$.age: string where integer is expected"));
  EXPECT_THAT(problems_with([](auto& p) { p["address"].as_object()["rt"] = 3; }),
              testing::HasSubstr("$.address.rt: integer where string is expected"));
  EXPECT_THAT(problems_with([](auto& p) { p["sex"] = "X"; }), testing::HasSubstr("$.sex: \"X\" is not one of"));
  EXPECT_THAT(problems_with([](auto& p) { p["nik"] = "33270155"; }), testing::HasSubstr("does not match"));
  EXPECT_THAT(problems_with([](auto& p) { p["passport"] = "A1234567"; }),
              testing::HasSubstr("member \"passport\" is not in the schema"));
  EXPECT_THAT(problems_with([](auto& p) { p["death_date"] = nullptr; }), testing::HasSubstr("not nullable"));
  // An error answer without its message, and one that is not the error shape at all.
  EXPECT_THAT(joined(document->problems("GET", path, 404, "application/json", R"({"error":{"code":"not_found"}})")),
              testing::HasSubstr("required member \"message\" is missing"));
  EXPECT_THAT(joined(document->problems("GET", path, 403, "application/json", R"({"message":"no"})")),
              testing::HasSubstr("required member \"error\" is missing"));
  EXPECT_THAT(joined(document->problems("GET", path, 200, "text/plain", real.body)),
              testing::HasSubstr("content type 'text/plain' is not documented"));
  EXPECT_THAT(joined(document->problems("GET", path, 200, "application/json", "{\"nik\":")),
              testing::HasSubstr("body is not JSON"));
  EXPECT_THAT(joined(document->problems("POST", "/api/v1/auth/logout", 204, "application/json", "{}")),
              testing::HasSubstr("documents no body"));
  EXPECT_THAT(joined(document->problems("GET", "/api/v1/persons/" + resident.nik + "/passport", 200, "", "")),
              testing::HasSubstr("no such operation"));
  // Requests: a required member missing, an unknown one where the body is closed.
  EXPECT_THAT(joined(document->request_problems("POST", "/api/v1/events/death",
                                                R"({"idempotency_key":"k-1","nik":"3327015508900001"})")),
              testing::HasSubstr("required member \"date\" is missing"));
  EXPECT_THAT(joined(document->request_problems("POST", "/api/v1/auth/totp/confirm", R"({"code":"123456","x":1})")),
              testing::HasSubstr("member \"x\" is not in the schema"));
}

EKTP_INSTANTIATE_FOR_BACKENDS(OpenApiTest);

}  // namespace
}  // namespace ektp::test
