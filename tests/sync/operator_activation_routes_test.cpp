// Central's route that issues a station operator's activation code (docs/api.md, stations): an
// admin anywhere, a supervisor only for a station of their office's region, nobody else; every
// refusal audited, and a refused caller gets no code.
#include <boost/json.hpp>

#include "sync_fixture.h"

#include "api/api_services.h"
#include "api/http.h"
#include "api/operator_activation_routes.h"
#include "registry/civil_registry.h"

namespace ektp::test {
namespace {

class OperatorActivationRoutesTest : public StationCentralTest {
 protected:
  void SetUp() override {
    StationCentralTest::SetUp();
    if (IsSkipped()) return;
    auth = std::make_unique<access::AuthService>(central.db());
    audit = std::make_unique<access::AuditWriter>(central.db());
    civil = std::make_unique<registry::CivilRegistry>(central.db(), RegionDirectory::builtin());
    services = std::make_unique<api::ApiServices>(api::ApiServices{central.db(), RegionDirectory::builtin(), *civil,
                                                                   *auth, *audit, central.ingest.get(), nullptr,
                                                                   nullptr, {}});
    services->clock = [this] { return now; };
    api::add_operator_activation_routes(router, *services);
    // The station's district lies in regency 3327; 3328 is the next regency.
    for (auto [user, office] : {std::pair{"sup.pemalang", std::string("3327")}, std::pair{"sup.tegal", std::string("3328")},
                                std::pair{"sup.district", district}}) {
      ASSERT_OK(auth->create_user(user, "kata-sandi-supervisor", Role::kSupervisor, now));
      ASSERT_OK(auth->set_office_region(user, office, now));
    }
    ASSERT_OK(auth->create_user("sup.none", "kata-sandi-supervisor", Role::kSupervisor, now));
  }
  void TearDown() override {
    router = api::Router();
    services.reset();
    civil.reset();
    audit.reset();
    auth.reset();
    StationCentralTest::TearDown();
  }

  std::string token(std::string_view user, std::string_view password = "kata-sandi-supervisor") {
    auto login = auth->login(user, password, now);
    EXPECT_TRUE(login.has_value()) << (login ? "" : login.error().message);
    return login ? login->token : std::string();
  }
  api::HttpResponse ask_code(const std::string& bearer, const std::string& station_id = "st-pml-1",
                             const std::string& user = "operator") {
    api::HttpRequest request;
    request.method = "POST";
    request.path = "/api/v1/stations/" + station_id + "/operators/" + user + "/activation-code";
    request.target = request.path;
    request.body = "{}";
    request.content_type = "application/json";
    request.client_address = "192.0.2.20";
    if (!bearer.empty()) request.authorization = "Bearer " + bearer;
    bool method_allowed = false;
    const api::Handler* handler = router.match(request, method_allowed);
    EXPECT_NE(handler, nullptr);
    return handler == nullptr ? api::HttpResponse{} : api::settle((*handler)(request));
  }
  std::int64_t audited(std::string_view actor, std::string_view action) {
    EXPECT_TRUE(audit->flush().has_value());
    return central_rows("SELECT COUNT(*) FROM audit_log WHERE actor = $1 AND action = $2",
                        {std::string(actor), std::string(action)});
  }

  std::chrono::system_clock::time_point now{std::chrono::milliseconds(kCentralNowMs)};
  std::unique_ptr<access::AuthService> auth;
  std::unique_ptr<access::AuditWriter> audit;
  std::unique_ptr<registry::CivilRegistry> civil;
  std::unique_ptr<api::ApiServices> services;
  api::Router router;
};

TEST_P(OperatorActivationRoutesTest, OnlyAnAdminOrTheStationsOwnSupervisorGetsACode) {
  for (const char* user : {"sup.pemalang", "sup.district"}) {
    auto issued = ask_code(token(user));
    ASSERT_EQ(issued.status, 200) << user << ": " << issued.body;
    auto body = boost::json::parse(issued.body).as_object();
    EXPECT_EQ(body.at("station_id").as_string(), "st-pml-1");
    EXPECT_EQ(body.at("code").as_string().size(), 14u);
    EXPECT_EQ(audited(user, "station.operator_code"), 1) << user;
  }
  EXPECT_EQ(ask_code(token("admin", "kunci-pusat-2026")).status, 200);

  // A supervisor of another regency: refused, audited, no code in the answer.
  auto other = ask_code(token("sup.tegal"));
  EXPECT_EQ(other.status, 403) << other.body;
  auto refusal = boost::json::parse(other.body).as_object();
  EXPECT_FALSE(refusal.contains("code"));  // no activation code, only the error
  EXPECT_EQ(refusal.at("error").at("code").as_string(), "permission_denied");
  EXPECT_NE(other.body.find("outside office region"), std::string::npos) << other.body;
  EXPECT_EQ(audited("sup.tegal", "station.operator_code_refused"), 1);
  EXPECT_EQ(audited("sup.tegal", "station.operator_code"), 0);
  // A supervisor without an office sees no station's operators either.
  EXPECT_EQ(ask_code(token("sup.none")).status, 403);
  // An operator may not ask at all, nor may nobody.
  EXPECT_EQ(ask_code(token("operator", "kunci-petugas-2026")).status, 403);
  EXPECT_EQ(ask_code("").status, 401);
  EXPECT_EQ(ask_code("0000").status, 401);
}

TEST_P(OperatorActivationRoutesTest, BadStationsAndUsersAreRefused) {
  const std::string admin = token("admin", "kunci-pusat-2026");
  EXPECT_EQ(ask_code(admin, "st-nowhere").status, 404);
  EXPECT_EQ(ask_code(admin, "st-pml-1", "sup.tegal").status, 409);  // not an operator of that station
  EXPECT_EQ(ask_code(admin, "st-pml-1", "Not%20A%20User").status, 400);
  EXPECT_EQ(ask_code(admin, "st-pml-1", std::string(200, 'a')).status, 400);
}

EKTP_INSTANTIATE_FOR_BACKENDS(OperatorActivationRoutesTest);

}  // namespace
}  // namespace ektp::test
