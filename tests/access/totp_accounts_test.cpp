// Second-factor sign-in through AuthService on both backends: enrolment needs the password and a
// code, an enrolled account cannot sign in with the password alone, a code is good once, a
// password-only session of a role that must enrol can do nothing else, an admin's reset.
#include <fmt/format.h>

#include "access/auth_service.h"
#include "access/totp.h"
#include "core/civil_date.h"
#include "store/migrations.h"
#include "support/staff_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::access {
namespace {

using namespace std::chrono;

class TotpAccountsTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    auth = std::make_unique<AuthService>(db());
    auth->enable_totp(TotpSecretKey::random(), {Role::kAdmin, Role::kAdjudicator});
    test::create_two_admins(*auth, now);
    ASSERT_OK(auth->create_user("ani.op", "operator-password", Role::kOperator, now));
  }

  std::int64_t step_at(system_clock::time_point t) const {
    return totp_step(duration_cast<seconds>(t.time_since_epoch()).count());
  }

  // Logs in with the password alone, enrols and confirms a second factor; returns its secret.
  TotpSecret enrol(const std::string& username, const std::string& password) {
    auto login = auth->login(username, password, now);
    EXPECT_TRUE(login.has_value());
    if (!login) return {};
    auto enrolment = auth->begin_totp(login->token, password, now);
    EXPECT_TRUE(enrolment.has_value()) << enrolment.error().message;
    if (!enrolment) return {};
    auto secret = base32_decode(enrolment->secret_base32);
    EXPECT_TRUE(secret.has_value());
    EXPECT_OK(auth->confirm_totp(login->token, totp_code(*secret, step_at(now)), now));
    return *secret;
  }

  system_clock::time_point now = sys_days{ektp::CivilDate{year{2026}, December, day{2}}} + hours{3};
  std::unique_ptr<AuthService> auth;
};

TEST_P(TotpAccountsTest, ARoleThatMustEnrolGetsAPendingSessionUntilItDoes) {
  auto login = auth->login(test::kRootAdmin, test::kStaffPassword, now);
  ASSERT_OK(login);
  EXPECT_TRUE(login->session.second_factor_pending);
  auto session = auth->authenticate(login->token, now);
  ASSERT_OK(session);
  EXPECT_TRUE(session->second_factor_pending);
  // A second server process on the same database sees the same restriction.
  AuthService other(db());
  auto seen = other.authenticate(login->token, now);
  ASSERT_OK(seen);
  EXPECT_TRUE(seen->second_factor_pending);
  // Operators are not required to: a full session at once.
  auto op = auth->login("ani.op", "operator-password", now);
  ASSERT_OK(op);
  EXPECT_FALSE(op->session.second_factor_pending);

  auto enrolment = auth->begin_totp(login->token, test::kStaffPassword, now);
  ASSERT_OK(enrolment);
  EXPECT_EQ(enrolment->uri.rfind("otpauth://totp/ektp:root.admin?secret=", 0), 0u);
  auto secret = base32_decode(enrolment->secret_base32);
  ASSERT_OK(secret);
  EXPECT_EQ(secret->size(), kTotpSecretBytes);
  // The database holds the secret sealed, never as the app's text.
  auto stored = db().connect();
  ASSERT_OK(stored);
  auto row = (*stored)->execute("SELECT secret_sealed FROM user_totp WHERE username = $1", {std::string(test::kRootAdmin)});
  ASSERT_OK(row);
  ASSERT_EQ(row->rows.size(), 1u);
  EXPECT_EQ(row->rows.front().text(0).find(enrolment->secret_base32), std::string::npos);

  // Another password-only session of the same account, opened before confirming, is revoked by it.
  auto earlier = auth->login(test::kRootAdmin, test::kStaffPassword, now);
  ASSERT_OK(earlier);
  EXPECT_REFUSED(auth->confirm_totp(login->token, "000000", now), ErrorCode::kPermissionDenied, totp_reason::kWrong);
  ASSERT_OK(auth->confirm_totp(login->token, totp_code(*secret, step_at(now)), now));
  auto confirmed = auth->authenticate(login->token, now);
  ASSERT_OK(confirmed);
  EXPECT_FALSE(confirmed->second_factor_pending);
  EXPECT_ERROR(auth->authenticate(earlier->token, now), ErrorCode::kUnauthenticated, "invalid token");
  auto state = auth->totp_state(test::kRootAdmin);
  ASSERT_OK(state);
  EXPECT_TRUE(state->enrolled);
  EXPECT_TRUE(state->required);
}

TEST_P(TotpAccountsTest, EnrolmentNeedsThePasswordAndCannotReplaceAConfirmedFactor) {
  auto login = auth->login("ani.op", "operator-password", now);
  ASSERT_OK(login);
  EXPECT_REFUSED(auth->begin_totp(login->token, "not the password", now), ErrorCode::kPermissionDenied,
                 totp_reason::kPasswordWrong);
  EXPECT_REFUSED(auth->confirm_totp(login->token, "123456", now), ErrorCode::kFailedPrecondition,
                 totp_reason::kNotStarted);
  // Restarting an unconfirmed enrolment replaces its secret: the first one's codes no longer work.
  auto first = auth->begin_totp(login->token, "operator-password", now);
  ASSERT_OK(first);
  auto second = auth->begin_totp(login->token, "operator-password", now);
  ASSERT_OK(second);
  EXPECT_NE(first->secret_base32, second->secret_base32);
  auto first_secret = base32_decode(first->secret_base32);
  ASSERT_OK(first_secret);
  EXPECT_REFUSED(auth->confirm_totp(login->token, totp_code(*first_secret, step_at(now)), now),
                 ErrorCode::kPermissionDenied, totp_reason::kWrong);
  auto second_secret = base32_decode(second->secret_base32);
  ASSERT_OK(second_secret);
  ASSERT_OK(auth->confirm_totp(login->token, totp_code(*second_secret, step_at(now)), now));
  EXPECT_REFUSED(auth->begin_totp(login->token, "operator-password", now), ErrorCode::kAlreadyExists,
                 totp_reason::kAlreadyEnrolled);
  EXPECT_ERROR(auth->confirm_totp(login->token, "12345", now), ErrorCode::kInvalidArgument, "6 digits");
}

TEST_P(TotpAccountsTest, AnEnrolledAccountSignsInWithItsCurrentCodeOnlyOnce) {
  const TotpSecret secret = enrol(test::kSecondAdmin, test::kStaffPassword);
  ASSERT_FALSE(secret.empty());
  const auto later = now + minutes{5};
  // The password alone is right but not enough, and is not counted as a failure.
  for (int i = 0; i < 12; ++i) {
    EXPECT_REFUSED(auth->login(test::kSecondAdmin, test::kStaffPassword, later), ErrorCode::kUnauthenticated,
                   totp_reason::kRequired);
  }
  const std::string code = totp_code(secret, step_at(later));
  auto full = auth->login(LoginAttempt{test::kSecondAdmin, test::kStaffPassword, code, "192.0.2.7"}, later);
  ASSERT_OK(full);
  EXPECT_FALSE(full->session.second_factor_pending);
  // The same code again (a replay seen on the wire) is refused, in this process and in another.
  EXPECT_REFUSED(auth->login(LoginAttempt{test::kSecondAdmin, test::kStaffPassword, code, "192.0.2.7"}, later),
                 ErrorCode::kUnauthenticated, totp_reason::kWrong);
  AuthService other(db());
  other.enable_totp(TotpSecretKey::random(), {});
  EXPECT_FALSE(other.login(LoginAttempt{test::kSecondAdmin, test::kStaffPassword, code, ""}, later).has_value());
  // A code from two steps ago, another app's code, or a wrong password with the right code.
  EXPECT_REFUSED(auth->login(LoginAttempt{test::kSecondAdmin, test::kStaffPassword,
                                          totp_code(secret, step_at(later) - 2), ""}, later),
                 ErrorCode::kUnauthenticated, totp_reason::kWrong);
  EXPECT_REFUSED(auth->login(LoginAttempt{test::kSecondAdmin, test::kStaffPassword,
                                          totp_code(new_totp_secret(), step_at(later)), ""}, later),
                 ErrorCode::kUnauthenticated, totp_reason::kWrong);
  const auto next = later + seconds{30};
  EXPECT_ERROR(auth->login(LoginAttempt{test::kSecondAdmin, "wrong password", totp_code(secret, step_at(next)), ""}, next),
               ErrorCode::kUnauthenticated, "wrong username or password");
  EXPECT_OK(auth->login(LoginAttempt{test::kSecondAdmin, test::kStaffPassword, totp_code(secret, step_at(next)), ""}, next));
}

TEST_P(TotpAccountsTest, WrongCodesAreThrottledLikeWrongPasswords) {
  const TotpSecret secret = enrol("ani.op", "operator-password");
  ASSERT_FALSE(secret.empty());
  const auto later = now + minutes{5};
  for (int i = 0; i < 10; ++i) {
    (void)auth->login(LoginAttempt{"ani.op", "operator-password", fmt::format("{:06}", i), "198.51.100.4"}, later);
  }
  EXPECT_ERROR(auth->login(LoginAttempt{"ani.op", "operator-password", totp_code(secret, step_at(later)), "198.51.100.4"},
                           later),
               ErrorCode::kResourceExhausted, "too many");
}

TEST_P(TotpAccountsTest, AnAdminResetRemovesTheFactorAndItsSessions) {
  const TotpSecret secret = enrol("ani.op", "operator-password");
  ASSERT_FALSE(secret.empty());
  const auto later = now + minutes{2};
  auto login = auth->login(LoginAttempt{"ani.op", "operator-password", totp_code(secret, step_at(later)), ""}, later);
  ASSERT_OK(login);
  ASSERT_OK(auth->reset_totp("ani.op"));
  EXPECT_ERROR(auth->authenticate(login->token, later), ErrorCode::kUnauthenticated, "invalid token");
  EXPECT_OK(auth->login("ani.op", "operator-password", later));  // password alone again
  EXPECT_ERROR(auth->reset_totp("ani.op"), ErrorCode::kNotFound, "no second factor");
  EXPECT_ERROR(auth->reset_totp("Bad Name"), ErrorCode::kInvalidArgument, "username");
}

TEST_P(TotpAccountsTest, AServerWithoutTheKeyNeitherEnrolsNorLetsEnrolledAccountsIn) {
  const TotpSecret secret = enrol("ani.op", "operator-password");
  ASSERT_FALSE(secret.empty());
  AuthService keyless(db());
  auto login = keyless.login("ani.op", "operator-password", now);
  EXPECT_REFUSED(login, ErrorCode::kUnauthenticated, totp_reason::kRequired);
  EXPECT_ERROR(keyless.login(LoginAttempt{"ani.op", "operator-password", totp_code(secret, step_at(now) + 1), ""}, now),
               ErrorCode::kUnavailable, "no key");
  auto op = keyless.login(test::kRootAdmin, test::kStaffPassword, now);
  ASSERT_OK(op);
  EXPECT_REFUSED(keyless.begin_totp(op->token, test::kStaffPassword, now), ErrorCode::kFailedPrecondition,
                 totp_reason::kUnavailable);
}

EKTP_INSTANTIATE_FOR_BACKENDS(TotpAccountsTest);

}  // namespace
}  // namespace ektp::access
