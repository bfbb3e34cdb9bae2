// The user-administration routes over a Router, without sockets: each refuses a caller without a
// token (401) and a caller who is not an administrator (403), and does what it says for an admin.
#include "api/user_routes.h"

#include <boost/json.hpp>

#include "support/route_fixture.h"

namespace ektp::api {
namespace {

using namespace std::chrono;

class UserRoutesTest : public test::RouteTest {};

using test::reason_of;

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
      {"POST", "/api/v1/users", R"({"username":"x.adj","password":"a-long-password-1","role":"operator"})"},
      {"GET", "/api/v1/users", ""},
      {"POST", "/api/v1/users/ani.op/approve", "{}"},
      {"POST", "/api/v1/users/ani.op/person", R"({"nik":"3327014107880011"})"},
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
  EXPECT_EQ(auth->login("x.adj", "a-long-password-1", now).has_value(), false);
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
  ASSERT_EQ(entries.size(), 2u);  // the failed login, and the account's creation before it
  EXPECT_EQ(entries[0].action, "login_failed");
  EXPECT_EQ(entries[0].detail, "192.0.2.10");
  EXPECT_EQ(entries[1].action, "user.create");
}

EKTP_INSTANTIATE_FOR_BACKENDS(UserRoutesTest);

}  // namespace
}  // namespace ektp::api

namespace ektp::api {
namespace {

constexpr const char* kAdjBody =
    R"({"username":"adj.ani","password":"adjudicator-pw-1","role":"adjudicator","nik":"3327014107880011",)"
    R"("staff_number":"198801012010012001"})";

// The finding over the routes: the admin who creates an adjudicator cannot approve it; a pending
// account does nothing its role allows; a second admin's approval lets it act.
TEST_P(UserRoutesTest, ANewAdjudicatorWaitsForASecondAdmin) {
  auto missing = call("POST", "/api/v1/users", admin_token,
                      R"({"username":"adj.ani","password":"adjudicator-pw-1","role":"adjudicator"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(reason_of(missing), "person_identity_required");
  EXPECT_EQ(call("POST", "/api/v1/users", admin_token,
                 R"({"username":"adj.ani","password":"adjudicator-pw-1","role":"adjudicator","nik":"33270155089"})")
                .status,
            400);
  EXPECT_EQ(call("POST", "/api/v1/users", admin_token,
                 R"({"username":"adj.ani","password":"adjudicator-pw-1","role":"adjudicator","nik":"3327014107880011",)"
                 R"("staff_number":"12 34"})")
                .status,
            400);
  auto created = call("POST", "/api/v1/users", admin_token, kAdjBody);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(std::string(boost::json::parse(created.body).at("approval").as_string()), "pending_approval");

  // It may log in, but not act as an adjudicator.
  auto login_answer = call("POST", "/api/v1/auth/login", "", R"({"username":"adj.ani","password":"adjudicator-pw-1"})");
  ASSERT_EQ(login_answer.status, 200) << login_answer.body;
  EXPECT_EQ(std::string(boost::json::parse(login_answer.body).at("approval").as_string()), "pending_approval");
  const std::string adj_token(boost::json::parse(login_answer.body).at("token").as_string());
  auto refused = call("GET", "/api/v1/adjudication/cases", adj_token, "");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(reason_of(refused), "account_pending_approval");

  auto pending = call("GET", "/api/v1/users?approval=pending_approval", admin_token, "");
  ASSERT_EQ(pending.status, 200) << pending.body;
  auto users = boost::json::parse(pending.body).at("users").as_array();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(std::string(users[0].at("username").as_string()), "adj.ani");
  EXPECT_EQ(std::string(users[0].at("requested_by").as_string()), test::kRootAdmin);
  EXPECT_EQ(std::string(users[0].at("nik").as_string()), "3327014107880011");
  EXPECT_EQ(call("GET", "/api/v1/users?approval=approved", admin_token, "").status, 400);

  auto by_creator = call("POST", "/api/v1/users/adj.ani/approve", admin_token);
  EXPECT_EQ(by_creator.status, 403);
  EXPECT_EQ(reason_of(by_creator), "approver_is_creator");
  EXPECT_EQ(call("POST", "/api/v1/users/adj.ani/approve", second_admin_token, R"({"x":1})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/users/nobody/approve", second_admin_token).status, 404);
  auto approved = call("POST", "/api/v1/users/adj.ani/approve", second_admin_token);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(call("GET", "/api/v1/adjudication/cases", adj_token, "").status, 200);
  auto again = call("POST", "/api/v1/users/adj.ani/approve", second_admin_token);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(reason_of(again), "not_pending_approval");

  auto entries = audit_for("adj.ani");
  ASSERT_GE(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "user.approve");
  EXPECT_EQ(entries[0].actor, test::kSecondAdmin);
  EXPECT_EQ(entries.back().action, "user.create");
  EXPECT_EQ(entries.back().actor, test::kRootAdmin);
}

TEST_P(UserRoutesTest, PromotionAndAPersonChangeAreApprovedAgain) {
  auto no_person = call("POST", "/api/v1/users/ani.op/role", admin_token, R"({"role":"adjudicator"})");
  EXPECT_EQ(no_person.status, 409);
  EXPECT_EQ(reason_of(no_person), "person_identity_required");
  EXPECT_EQ(call("POST", "/api/v1/users/ani.op/person", admin_token, R"({"nik":"3327014107880011","x":1})").status,
            400);
  EXPECT_EQ(call("POST", "/api/v1/users/ani.op/person", admin_token, R"({"staff_number":"1"})").status, 400);
  ASSERT_EQ(call("POST", "/api/v1/users/ani.op/person", admin_token, R"({"nik":"3327014107880011"})").status, 200);
  auto promoted = call("POST", "/api/v1/users/ani.op/role", admin_token, R"({"role":"adjudicator"})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(std::string(boost::json::parse(promoted.body).at("approval").as_string()), "pending_approval");
  EXPECT_EQ(reason_of(call("GET", "/api/v1/adjudication/cases", operator_token, "")), "account_pending_approval");
  EXPECT_EQ(reason_of(call("POST", "/api/v1/users/ani.op/approve", admin_token)), "approver_is_creator");
  ASSERT_EQ(call("POST", "/api/v1/users/ani.op/approve", second_admin_token).status, 200);
  // The second admin changes the person: pending again, and now only the first may approve.
  auto changed = call("POST", "/api/v1/users/ani.op/person", second_admin_token, R"({"nik":"3327010309790012"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(std::string(boost::json::parse(changed.body).at("approval").as_string()), "pending_approval");
  EXPECT_EQ(reason_of(call("POST", "/api/v1/users/ani.op/approve", second_admin_token)), "approver_is_creator");
  EXPECT_EQ(call("POST", "/api/v1/users/ani.op/approve", admin_token).status, 200);
  // An admin does not change their own recorded person.
  EXPECT_EQ(reason_of(call("POST", "/api/v1/users/root.admin/person", admin_token, R"({"nik":"3327010101700021"})")),
            "approver_is_subject");
}

TEST_P(UserRoutesTest, APendingAdminDoesNotAdminister) {
  auto created = call("POST", "/api/v1/users", admin_token,
                      R"({"username":"third.admin","password":"third-admin-pw-1","role":"admin","nik":"3327010101700021"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string token = login("third.admin", "third-admin-pw-1");
  auto refused = call("POST", "/api/v1/users/ani.op/deactivate", token);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(reason_of(refused), "account_pending_approval");
  EXPECT_EQ(reason_of(call("POST", "/api/v1/users", token, kAdjBody)), "account_pending_approval");
  EXPECT_OK(auth->authenticate(operator_token, now));
  // Same person as the creating admin: refused at creation.
  auto own = call("POST", "/api/v1/users", admin_token,
                  R"({"username":"root.adj","password":"root-adjudicator-1","role":"adjudicator","nik":")" +
                      std::string(test::kRootAdminNik) + R"("})");
  EXPECT_EQ(own.status, 403);
  EXPECT_EQ(reason_of(own), "same_person");
}

}  // namespace
}  // namespace ektp::api
