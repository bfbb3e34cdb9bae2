// A Router with the registry, user and adjudication routes over a fresh database on each
// backend, without sockets: two approved admins and an operator, each logged in, and a call()
// that dispatches a request as the server would.
#pragma once

#include <boost/json.hpp>

#include "agency/agency_call_ledger.h"
#include "api/api_services.h"
#include "api/http.h"
#include "access/audit_log.h"
#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "core/civil_date.h"
#include "registry/civil_registry.h"
#include "registry/demo/demo_loader.h"
#include "store/migrations.h"
#include "support/staff_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::test {

using namespace std::chrono;
using api::ApiServices;
using api::HttpRequest;
using api::HttpResponse;
using api::Router;
using api::Handler;

class RouteTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    auth = std::make_unique<access::AuthService>(db());
    auth->enable_totp(access::TotpSecretKey::random(), totp_required_for());
    audit = std::make_unique<access::AuditWriter>(db());
    civil = std::make_unique<registry::CivilRegistry>(db(), RegionDirectory::builtin());
    services = std::make_unique<ApiServices>(ApiServices{db(), RegionDirectory::builtin(), *civil, *auth, *audit,
                                                         nullptr, nullptr, nullptr, {}});
    services->clock = [this] { return now; };
    agency_calls = std::make_unique<agency::AgencyCallLedger>(db());
    services->agency_calls = agency_calls.get();
    api::add_registry_routes(router, *services);
    api::add_adjudication_routes(router, *services);
    create_two_admins(*auth, now);
    ASSERT_OK(auth->create_user("ani.op", "operator-password", Role::kOperator, now));
    admin_token = login(kRootAdmin, kStaffPassword);
    second_admin_token = login(kSecondAdmin, kStaffPassword);
    operator_token = login("ani.op", "operator-password");
  }

  // Roles that must sign in with a second factor (none unless a test says so).
  virtual std::vector<Role> totp_required_for() const { return {}; }

  void TearDown() override {
    // The writer's thread and the services go before the database they use.
    router = Router();
    services.reset();
    agency_calls.reset();
    civil.reset();
    audit.reset();
    auth.reset();
    BackendTest::TearDown();
  }

  std::string login(std::string_view username, std::string_view password) {
    auto result = auth->login(username, password, now);
    EXPECT_TRUE(result.has_value());
    return result ? result->token : std::string();
  }

  // An agency registered a day ago with `pks` as its agreement (agency_code, and a validity from a
  // day ago for a year unless set) and one key: the key, secret included.
  agency::IssuedKey register_agency(const std::string& code, const std::string& name, agency::AgencyKind kind,
                                    agency::Agreement pks) {
    const agency::AgencyChange admin{"admin.pusat", now_ms() - 86'400'000};
    EXPECT_OK(agency::create_agency(db(), {code, name, kind}, admin));
    pks.agency_code = code;
    if (pks.valid_from_ms == 0) pks.valid_from_ms = now_ms() - 86'400'000;
    if (pks.valid_until_ms == 0) pks.valid_until_ms = now_ms() + 365 * 86'400'000LL;
    EXPECT_OK(agency::add_agreement(db(), pks, admin));
    auto issued = agency::issue_api_key(db(), code, "produksi", admin);
    EXPECT_OK(issued);
    return issued ? *issued : agency::IssuedKey{};
  }
  // One request through the router, as the server sends its answer (after any audit commit):
  // `authorization` is the whole header ("" for none), `path` may carry one "key=value" query.
  HttpResponse route(std::string method, std::string path, std::string authorization, std::string body,
                     std::string client_address) {
    HttpRequest request;
    request.method = std::move(method);
    request.target = path;
    if (auto question = path.find('?'); question != std::string::npos) {
      std::string query = path.substr(question + 1);  // one "key=value" is all these routes take
      auto equals = query.find('=');
      request.query[query.substr(0, equals)] = equals == std::string::npos ? "" : query.substr(equals + 1);
      path.resize(question);
    }
    request.path = std::move(path);
    request.body = std::move(body);
    request.content_type = "application/json";
    request.client_address = std::move(client_address);
    request.authorization = std::move(authorization);
    bool method_allowed = false;
    const Handler* handler = router.match(request, method_allowed);
    if (handler == nullptr) return HttpResponse{method_allowed ? 405 : 404, "", "", {}, {}};
    return settle((*handler)(request));
  }
  // An agency's call with its API key (`Authorization: ApiKey KEY`; none when `key` is empty).
  HttpResponse agency_call(std::string method, std::string path, const std::string& key, std::string body = "") {
    return route(std::move(method), std::move(path), key.empty() ? "" : "ApiKey " + key, std::move(body), "192.0.2.20");
  }
  HttpResponse agency_post(const std::string& path, const std::string& body, const std::string& key) {
    return agency_call("POST", path, key, body);
  }
  // A staff member's call with their bearer token (none when `token` is empty).
  HttpResponse call(std::string method, std::string path, std::string token, std::string body = "{}") {
    return route(std::move(method), std::move(path), token.empty() ? "" : "Bearer " + token, std::move(body),
                 "192.0.2.10");
  }

  // The demo regency 3327 with `persons` residents, as of the fixture's day.
  void load_demo_regency(std::size_t persons) {
    registry::demo::DemoOptions demo;
    demo.regency_code = "3327";
    demo.persons = persons;
    demo.today = CivilDate{year{2026}, November, day{23}};
    ASSERT_OK(registry::demo::load_demo_population(db(), demo));
  }
  // A member of staff working for `office`, signed in: their token.
  std::string office_user(const std::string& username, Role role, const std::string& office) {
    constexpr std::string_view kPassword = "office-password-2026";
    EXPECT_OK(auth->create_user(username, kPassword, role, now));
    EXPECT_OK(auth->set_office_region(username, office, now));
    return login(username, kPassword);
  }
  // How many audit records `actor` made with `action` (after the writer flushed).
  std::int64_t audited(std::string_view actor, std::string_view action) {
    EXPECT_OK(audit->flush());
    auto conn = db().connect();
    auto rows = (*conn)->execute("SELECT COUNT(*) FROM audit_log WHERE actor = $1 AND action = $2",
                                 {std::string(actor), std::string(action)});
    return rows ? rows->rows.front().integer(0) : -1;
  }
  std::int64_t now_ms() const { return duration_cast<milliseconds>(now.time_since_epoch()).count(); }

  std::vector<access::AuditEntry> audit_for(std::string_view subject) {
    EXPECT_OK(audit->flush());
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto entries = access::audit_entries_for_subject(**conn, subject, 100);
    EXPECT_OK(entries);
    return entries ? *entries : std::vector<access::AuditEntry>{};
  }

  system_clock::time_point now = sys_days{CivilDate{year{2026}, November, day{23}}} + hours{2};
  std::unique_ptr<access::AuthService> auth;
  std::unique_ptr<access::AuditWriter> audit;
  std::unique_ptr<registry::CivilRegistry> civil;
  std::unique_ptr<agency::AgencyCallLedger> agency_calls;
  std::unique_ptr<ApiServices> services;
  Router router;
  std::string admin_token;
  std::string second_admin_token;
  std::string operator_token;
};

// The stable reason of an error answer; "" when it has none.
inline std::string reason_of(const HttpResponse& response) {
  boost::system::error_code ec;
  auto body = boost::json::parse(response.body, ec);
  if (ec || !body.is_object() || !body.as_object().contains("error")) return "(no error: " + response.body + ")";
  const auto* reason = body.at("error").as_object().if_contains("reason");
  return reason ? std::string(reason->as_string()) : std::string();
}

}  // namespace ektp::test
