// The user-administration routes over a Router, without sockets: each refuses a caller without a
// token (401) and a caller who is not an administrator (403), and does what it says for an admin.
#include "api/user_routes.h"

#include <boost/json.hpp>

#include "api/api_services.h"
#include "access/audit_log.h"
#include "registry/civil_registry.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::api {
namespace {

using namespace std::chrono;

class UserRoutesTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    auth = std::make_unique<access::AuthService>(db());
    audit = std::make_unique<access::AuditWriter>(db());
    civil = std::make_unique<registry::CivilRegistry>(db(), RegionDirectory::builtin());
    services = std::make_unique<ApiServices>(ApiServices{db(), RegionDirectory::builtin(), *civil, *auth, *audit,
                                                         nullptr, nullptr, nullptr, {}});
    services->clock = [this] { return now; };
    add_registry_routes(router, *services);
    ASSERT_OK(auth->create_user("root.admin", "admin-password", Role::kAdmin, now));
    ASSERT_OK(auth->create_user("ani.op", "operator-password", Role::kOperator, now));
    admin_token = login("root.admin", "admin-password");
    operator_token = login("ani.op", "operator-password");
  }

  void TearDown() override {
    // The writer's thread and the services go before the database they use.
    router = Router();
    services.reset();
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

  HttpResponse call(std::string method, std::string path, std::string token, std::string body = "{}") {
    HttpRequest request;
    request.method = std::move(method);
    request.target = path;
    request.path = std::move(path);
    request.body = std::move(body);
    request.content_type = "application/json";
    request.client_address = "192.0.2.10";
    if (!token.empty()) request.authorization = "Bearer " + token;
    bool method_allowed = false;
    const Handler* handler = router.match(request, method_allowed);
    if (handler == nullptr) return HttpResponse{method_allowed ? 405 : 404, "", "", {}};
    return (*handler)(request);
  }

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
  std::unique_ptr<ApiServices> services;
  Router router;
  std::string admin_token;
  std::string operator_token;
};

struct AdminRoute {
  std::string method;
  std::string path;
  std::string body;
};

TEST_P(UserRoutesTest, EveryAdminRouteRefusesNoTokenAndNonAdmins) {
  auto session_id = auth->authenticate(operator_token, now)->id;
  std::vector<AdminRoute> routes = {
      {"POST", "/api/v1/users/ani.op/deactivate", "{}"},
      {"POST", "/api/v1/users/ani.op/activate", "{}"},
      {"POST", "/api/v1/users/ani.op/role", R"({"role":"admin"})"},
      {"POST", "/api/v1/users/ani.op/password", "{}"},
      {"GET", "/api/v1/users/ani.op/sessions", ""},
      {"DELETE", "/api/v1/sessions/" + session_id, ""},
  };
  for (const auto& route : routes) {
    EXPECT_EQ(call(route.method, route.path, "", route.body).status, 401) << route.path;
    EXPECT_EQ(call(route.method, route.path, operator_token, route.body).status, 403) << route.path;
  }
  EXPECT_EQ(call("POST", "/api/v1/auth/password", "", R"({"current_password":"a","new_password":"b"})").status, 401);
  // Nothing changed: the operator is still an active operator with their session.
  auto still = auth->authenticate(operator_token, now);
  ASSERT_OK(still);
  EXPECT_EQ(still->role, Role::kOperator);
}

TEST_P(UserRoutesTest, DeactivateRevokesAndActivateAllowsLoginAgain) {
  auto answer = call("POST", "/api/v1/users/ani.op/deactivate", admin_token);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_ERROR(auth->authenticate(operator_token, now), ErrorCode::kUnauthenticated, "");
  EXPECT_ERROR(auth->login("ani.op", "operator-password", now), ErrorCode::kUnauthenticated, "wrong");
  EXPECT_EQ(call("POST", "/api/v1/users/root.admin/deactivate", admin_token).status, 409);
  EXPECT_EQ(call("POST", "/api/v1/users/nobody/deactivate", admin_token).status, 404);
  EXPECT_EQ(call("POST", "/api/v1/users/Bad%20Name/deactivate", admin_token).status, 400);
  ASSERT_EQ(call("POST", "/api/v1/users/ani.op/activate", admin_token).status, 200);
  EXPECT_OK(auth->login("ani.op", "operator-password", now));
  auto entries = audit_for("ani.op");
  ASSERT_GE(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "user.activate");
  EXPECT_EQ(entries[1].action, "user.deactivate");
  EXPECT_EQ(entries[1].actor, "root.admin");
}

TEST_P(UserRoutesTest, RoleChangeAppliesToTheExistingToken) {
  EXPECT_EQ(call("POST", "/api/v1/users/ani.op/role", admin_token, R"({"role":"emperor"})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/users/ani.op/role", admin_token, R"({"role":"admin","x":1})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/users/root.admin/role", admin_token, R"({"role":"operator"})").status, 409);
  ASSERT_EQ(call("POST", "/api/v1/users/ani.op/role", admin_token, R"({"role":"supervisor"})").status, 200);
  EXPECT_EQ(auth->authenticate(operator_token, now)->role, Role::kSupervisor);
}

TEST_P(UserRoutesTest, AdminResetGivesATemporaryPasswordAndRevokesSessions) {
  auto answer = call("POST", "/api/v1/users/ani.op/password", admin_token);
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto temporary = std::string(boost::json::parse(answer.body).at("temporary_password").as_string());
  EXPECT_EQ(temporary.size(), 16u);
  EXPECT_ERROR(auth->authenticate(operator_token, now), ErrorCode::kUnauthenticated, "invalid token");
  EXPECT_ERROR(auth->login("ani.op", "operator-password", now), ErrorCode::kUnauthenticated, "wrong");
  EXPECT_OK(auth->login("ani.op", temporary, now));
  EXPECT_EQ(audit_for("ani.op").front().action, "user.password_reset");
}

TEST_P(UserRoutesTest, OwnPasswordChangeNeedsTheCurrentOneAndRevokesOtherSessions) {
  auto other = login("ani.op", "operator-password");
  EXPECT_EQ(call("POST", "/api/v1/auth/password", operator_token,
                 R"({"current_password":"not-it-at-all","new_password":"a-new-long-passphrase"})").status, 401);
  EXPECT_OK(auth->authenticate(other, now));
  EXPECT_EQ(call("POST", "/api/v1/auth/password", operator_token,
                 R"({"current_password":"operator-password","new_password":"short"})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/auth/password", operator_token, R"({"current_password":"operator-password"})").status,
            400);
  auto answer = call("POST", "/api/v1/auth/password", operator_token,
                     R"({"current_password":"operator-password","new_password":"a-new-long-passphrase"})");
  ASSERT_EQ(answer.status, 204) << answer.body;
  EXPECT_OK(auth->authenticate(operator_token, now));
  EXPECT_ERROR(auth->authenticate(other, now), ErrorCode::kUnauthenticated, "invalid token");
  EXPECT_OK(auth->login("ani.op", "a-new-long-passphrase", now));
  auto entries = audit_for("ani.op");
  ASSERT_GE(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "password_change");
  EXPECT_EQ(entries[1].action, "password_change_failed");
}

TEST_P(UserRoutesTest, SessionsAreListedWithoutTokensAndRevokedById) {
  auto answer = call("GET", "/api/v1/users/ani.op/sessions", admin_token, "");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.body.find(operator_token), std::string::npos);
  auto sessions = boost::json::parse(answer.body).at("sessions").as_array();
  ASSERT_EQ(sessions.size(), 1u);
  std::string id(sessions[0].at("id").as_string());
  EXPECT_EQ(id, auth->authenticate(operator_token, now)->id);
  EXPECT_EQ(std::string(sessions[0].at("created_at").as_string()), "2026-11-23T02:00:00Z");
  EXPECT_EQ(call("DELETE", "/api/v1/sessions/zzzz", admin_token, "").status, 400);
  EXPECT_EQ(call("DELETE", "/api/v1/sessions/000000000000", admin_token, "").status, 404);
  ASSERT_EQ(call("DELETE", "/api/v1/sessions/" + id, admin_token, "").status, 204);
  EXPECT_ERROR(auth->authenticate(operator_token, now), ErrorCode::kUnauthenticated, "invalid token");
  EXPECT_OK(auth->authenticate(admin_token, now));
}

TEST_P(UserRoutesTest, OversizedLoginIsRefusedWithoutAnAuditRecord) {
  std::string huge(1 << 19, 'a');
  auto answer = call("POST", "/api/v1/auth/login", "", R"({"username":")" + huge + R"(","password":"x"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_TRUE(audit_for(huge).empty());
  auto failed = call("POST", "/api/v1/auth/login", "", R"({"username":"ani.op","password":"wrong"})");
  EXPECT_EQ(failed.status, 401);
  auto entries = audit_for("ani.op");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "login_failed");
  EXPECT_EQ(entries[0].detail, "192.0.2.10");
}

EKTP_INSTANTIATE_FOR_BACKENDS(UserRoutesTest);

}  // namespace
}  // namespace ektp::api
