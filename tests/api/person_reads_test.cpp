// Reads of residents through the routes: an operator or supervisor sees only the residents of
// their office's region (by NIK, by name, family cards, PDFs, history, enrollment status), one
// without an office sees nobody, every refusal is audited, the daily read quota is enforced, and
// reading many residents quickly raises an audited alert.
#include <boost/json.hpp>

#include "access/audit_log.h"
#include "access/read_quota.h"
#include "api/api_services.h"
#include "api/http.h"
#include "registry/civil_registry.h"
#include "registry/demo/demo_loader.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::api {
namespace {

using namespace std::chrono;

class PersonReadsTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    registry::demo::DemoOptions demo;
    demo.regency_code = "3327";
    demo.persons = 300;
    demo.today = CivilDate{year{2026}, November, day{23}};
    ASSERT_OK(registry::demo::load_demo_population(db(), demo));
    auth = std::make_unique<access::AuthService>(db());
    audit = std::make_unique<access::AuditWriter>(db());
    civil = std::make_unique<registry::CivilRegistry>(db(), RegionDirectory::builtin());
    quota = std::make_unique<access::ReadQuota>(
        access::ReadQuotaLimits{.operator_per_day = 40, .supervisor_per_day = 1'000, .alert_persons = 25});
    services = std::make_unique<ApiServices>(ApiServices{db(), RegionDirectory::builtin(), *civil, *auth, *audit,
                                                         nullptr, nullptr, nullptr, {}, quota.get()});
    services->clock = [this] { return now; };
    add_registry_routes(router, *services);
    add_sync_routes(router, *services);

    auto conn = db().connect();
    ASSERT_OK(conn);
    auto row = (*conn)->execute(
        "SELECT nik, kk_number, name, substr(village_code, 1, 6) FROM persons ORDER BY nik LIMIT 1");
    ASSERT_OK(row);
    nik = row->rows.front().text(0);
    kk = row->rows.front().text(1);
    name = row->rows.front().text(2);
    district = row->rows.front().text(3);

    // The first admin of an empty database: approved at creation (access/staff.h).
    ASSERT_OK(auth->create_user(access::NewUser{"root.admin", "admin-password", Role::kAdmin,
                                                {"3327014107880011", ""}, ""},
                                now));
    for (auto [user, office] : {std::pair{"op.here", district}, std::pair{"op.tegal", std::string("3328")},
                                std::pair{"op.none", std::string()}}) {
      ASSERT_OK(auth->create_user(user, "operator-password", Role::kOperator, now));
      if (!office.empty()) ASSERT_OK(auth->set_office_region(user, office, now));
    }
    ASSERT_OK(auth->create_user("sup.regency", "supervisor-password", Role::kSupervisor, now));
    ASSERT_OK(auth->set_office_region("sup.regency", "3327", now));
  }

  void TearDown() override {
    router = Router();
    services.reset();
    quota.reset();
    civil.reset();
    audit.reset();
    auth.reset();
    BackendTest::TearDown();
  }

  std::string token(std::string_view user, std::string_view password = "operator-password") {
    auto result = auth->login(user, password, now);
    EXPECT_TRUE(result.has_value());
    return result ? result->token : std::string();
  }

  HttpResponse call(std::string method, std::string path, const std::string& bearer, std::string body = "",
                    std::map<std::string, std::string> query = {}) {
    HttpRequest request;
    request.method = std::move(method);
    request.target = path;
    request.path = std::move(path);
    request.body = std::move(body);
    request.query = std::move(query);
    request.content_type = "application/json";
    request.client_address = "192.0.2.10";
    if (!bearer.empty()) request.authorization = "Bearer " + bearer;
    bool method_allowed = false;
    const Handler* handler = router.match(request, method_allowed);
    if (handler == nullptr) return HttpResponse{method_allowed ? 405 : 404, "", "", {}, {}};
    return settle((*handler)(request));  // as the server sends it: after the audit commit
  }

  std::int64_t audit_count(std::string_view actor, std::string_view action) {
    EXPECT_OK(audit->flush());
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto rows = (*conn)->execute("SELECT count(*) FROM audit_log WHERE actor = $1 AND action = $2",
                                 {std::string(actor), std::string(action)});
    EXPECT_OK(rows);
    return rows ? rows->rows.front().integer(0) : -1;
  }

  system_clock::time_point now = sys_days{CivilDate{year{2026}, November, day{23}}} + hours{2};
  std::unique_ptr<access::AuthService> auth;
  std::unique_ptr<access::AuditWriter> audit;
  std::unique_ptr<registry::CivilRegistry> civil;
  std::unique_ptr<access::ReadQuota> quota;
  std::unique_ptr<ApiServices> services;
  Router router;
  std::string nik, kk, name, district;
};

TEST_P(PersonReadsTest, AnOfficeSeesItsOwnResidentsOnEveryReadRoute) {
  auto here = token("op.here");
  for (const std::string& path : {"/api/v1/persons/" + nik, "/api/v1/persons/" + nik + "/history",
                                  "/api/v1/persons/" + nik + "/biodata.pdf", "/api/v1/families/" + kk,
                                  "/api/v1/families/" + kk + "/kk.pdf", "/api/v1/persons/" + nik + "/enrollment-status"}) {
    EXPECT_EQ(call("GET", path, here).status, 200) << path;
  }
  auto regency = token("sup.regency", "supervisor-password");
  EXPECT_EQ(call("GET", "/api/v1/persons/" + nik, regency).status, 200);
  auto admin = token("root.admin", "admin-password");
  EXPECT_EQ(call("GET", "/api/v1/persons/" + nik, admin).status, 200);  // national
}

TEST_P(PersonReadsTest, AnotherOfficeIsRefusedOnEveryReadRouteAndEachRefusalIsAudited) {
  auto tegal = token("op.tegal");
  const std::vector<std::string> paths{"/api/v1/persons/" + nik, "/api/v1/persons/" + nik + "/history",
                                       "/api/v1/persons/" + nik + "/biodata.pdf", "/api/v1/families/" + kk,
                                       "/api/v1/families/" + kk + "/kk.pdf",
                                       "/api/v1/persons/" + nik + "/enrollment-status"};
  for (const auto& path : paths) {
    auto answer = call("GET", path, tegal);
    EXPECT_EQ(answer.status, 403) << path;
    EXPECT_NE(answer.body.find("outside office region 3328"), std::string::npos) << answer.body;
    EXPECT_EQ(answer.body.find(name), std::string::npos) << path;  // no personal data in the refusal
  }
  EXPECT_EQ(audit_count("op.tegal", "refused_read_person"), 1);
  EXPECT_EQ(audit_count("op.tegal", "refused_read_family"), 1);
  EXPECT_EQ(audit_count("op.tegal", "read_person"), 0);
}

TEST_P(PersonReadsTest, SearchesFindOnlyTheOfficesResidents) {
  auto found_by = [&](const std::string& bearer, std::map<std::string, std::string> query) {
    auto answer = call("GET", "/api/v1/persons", bearer, "", std::move(query));
    EXPECT_EQ(answer.status, 200) << answer.body;
    std::vector<std::string> niks;
    if (answer.status != 200) return niks;
    const auto parsed = boost::json::parse(answer.body);
    for (const auto& r : parsed.at("results").as_array()) {
      niks.emplace_back(r.at("nik").as_string());
    }
    return niks;
  };
  auto here = found_by(token("op.here"), {{"name", name}});
  EXPECT_NE(std::find(here.begin(), here.end(), nik), here.end());
  EXPECT_TRUE(found_by(token("op.tegal"), {{"name", name}}).empty());
  EXPECT_TRUE(found_by(token("op.tegal"), {{"nik", nik}}).empty());  // a NIK search too
  // A prefix search of two letters over the whole regency returns only the district's residents.
  auto conn = db().connect();
  ASSERT_OK(conn);
  for (const auto& found : found_by(token("op.here"), {{"name", name.substr(0, 2)}})) {
    auto row = (*conn)->execute("SELECT village_code FROM persons WHERE nik = $1", {found});
    ASSERT_OK(row);
    EXPECT_TRUE(row->rows.front().text(0).starts_with(district)) << found;
  }
}

TEST_P(PersonReadsTest, AnOperatorWithoutAnOfficeSeesNobodyUntilAnAdminGivesOne) {
  auto none = token("op.none");
  EXPECT_EQ(call("GET", "/api/v1/persons/" + nik, none).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/persons", none, "", {{"name", name}}).status, 403);
  // Only an administrator gives offices, and only regions that exist.
  EXPECT_EQ(call("POST", "/api/v1/users/op.none/office", none, R"({"region_code":"3327"})").status, 403);
  EXPECT_EQ(call("POST", "/api/v1/users/op.none/office", "", R"({"region_code":"3327"})").status, 401);
  auto admin = token("root.admin", "admin-password");
  EXPECT_EQ(call("POST", "/api/v1/users/op.none/office", admin, R"({"region_code":"9999"})").status, 404);
  EXPECT_EQ(call("POST", "/api/v1/users/op.none/office", admin, R"({"region_code":"33%"})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/users/op.none/office", admin, R"({"region_code":"3327","x":1})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/users/nobody/office", admin, R"({"region_code":"3327"})").status, 404);
  auto given = call("POST", "/api/v1/users/op.none/office", admin, R"({"region_code":"3327"})");
  ASSERT_EQ(given.status, 200) << given.body;
  EXPECT_NE(given.body.find("Kabupaten Pemalang"), std::string::npos) << given.body;
  EXPECT_EQ(audit_count("root.admin", "user.office"), 1);
  EXPECT_EQ(call("GET", "/api/v1/persons/" + nik, none).status, 200);  // at once, same token
}

TEST_P(PersonReadsTest, TheDailyReadQuotaIsEnforcedAndItsFirstRefusalAlerts) {
  auto here = token("op.here");
  int served = 0;
  HttpResponse last;
  for (int i = 0; i < 45; ++i) {
    last = call("GET", "/api/v1/persons/" + nik, here);
    if (last.status != 200) break;
    ++served;
  }
  EXPECT_EQ(served, 40);
  EXPECT_EQ(last.status, 429);
  EXPECT_NE(last.body.find("40 of 40"), std::string::npos) << last.body;
  EXPECT_EQ(call("GET", "/api/v1/persons/" + nik, here).status, 429);
  EXPECT_EQ(audit_count("op.here", "alert.read_quota"), 1);  // once, not per refusal
  EXPECT_EQ(audit_count("op.here", "read_person"), 40);
  // Someone else still reads; tomorrow the operator does too.
  EXPECT_EQ(call("GET", "/api/v1/persons/" + nik, token("sup.regency", "supervisor-password")).status, 200);
  now += hours{24};
  EXPECT_EQ(call("GET", "/api/v1/persons/" + nik, token("op.here")).status, 200);
}

TEST_P(PersonReadsTest, ReadingManyResidentsQuicklyRaisesAnAuditedAlert) {
  auto regency = token("sup.regency", "supervisor-password");
  for (int i = 0; i < 24; ++i) ASSERT_EQ(call("GET", "/api/v1/persons/" + nik, regency).status, 200);
  EXPECT_EQ(audit_count("sup.regency", "alert.bulk_read"), 0);
  ASSERT_EQ(call("GET", "/api/v1/persons/" + nik, regency).status, 200);
  EXPECT_EQ(audit_count("sup.regency", "alert.bulk_read"), 1);
  for (int i = 0; i < 30; ++i) ASSERT_EQ(call("GET", "/api/v1/persons/" + nik, regency).status, 200);
  EXPECT_EQ(audit_count("sup.regency", "alert.bulk_read"), 1);  // one per window
}

EKTP_INSTANTIATE_FOR_BACKENDS(PersonReadsTest);

}  // namespace
}  // namespace ektp::api
