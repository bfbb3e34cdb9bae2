#include "registry/auth_service.h"

#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::registry {
namespace {

using namespace std::chrono;

class AuthServiceTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    auth = std::make_unique<AuthService>(db());
    ASSERT_OK(auth->create_user("ani.op", "correct horse", Role::kOperator, now));
  }
  system_clock::time_point now = sys_days{CivilDate{year{2026}, November, day{23}}} + hours{2};
  std::unique_ptr<AuthService> auth;
};

TEST_P(AuthServiceTest, LoginGivesATokenThatExpires) {
  auto login = auth->login("ani.op", "correct horse", now);
  ASSERT_OK(login);
  EXPECT_EQ(login->token.size(), 64u);
  auto session = auth->authenticate(login->token, now + hours{1});
  ASSERT_OK(session);
  EXPECT_EQ(session->username, "ani.op");
  EXPECT_EQ(session->role, Role::kOperator);
  EXPECT_ERROR(auth->authenticate(login->token, now + hours{9}), ErrorCode::kUnauthenticated, "expired");
  // A second server process (no cache) sees the same expiry from the database.
  AuthService other(db());
  EXPECT_ERROR(other.authenticate(login->token, now + hours{9}), ErrorCode::kUnauthenticated, "expired");
  EXPECT_OK(other.authenticate(login->token, now + hours{2}));
}

TEST_P(AuthServiceTest, StolenOrRevokedTokensAreRefused) {
  auto login = auth->login("ani.op", "correct horse", now);
  ASSERT_OK(login);
  std::string forged = login->token;
  forged[0] = forged[0] == 'a' ? 'b' : 'a';
  EXPECT_ERROR(auth->authenticate(forged, now), ErrorCode::kUnauthenticated, "invalid token");
  EXPECT_ERROR(auth->authenticate("short", now), ErrorCode::kUnauthenticated, "invalid token");
  ASSERT_OK(auth->logout(login->token));
  EXPECT_ERROR(auth->authenticate(login->token, now), ErrorCode::kUnauthenticated, "invalid token");
}

TEST_P(AuthServiceTest, WrongPasswordsAndBadUsers) {
  EXPECT_ERROR(auth->login("ani.op", "wrong horse", now), ErrorCode::kUnauthenticated, "wrong username or password");
  EXPECT_ERROR(auth->login("nobody", "correct horse", now), ErrorCode::kUnauthenticated, "wrong username or password");
  for (int i = 0; i < 10; ++i) (void)auth->login("ani.op", "guess", now);
  EXPECT_ERROR(auth->login("ani.op", "correct horse", now), ErrorCode::kResourceExhausted, "too many");
  EXPECT_OK(auth->login("ani.op", "correct horse", now + minutes{1}));
  EXPECT_ERROR(auth->create_user("ani.op", "another one", Role::kAdmin, now), ErrorCode::kAlreadyExists, "already exists");
  EXPECT_ERROR(auth->create_user("Ani Op", "another one", Role::kAdmin, now), ErrorCode::kInvalidArgument, "username");
  EXPECT_ERROR(auth->create_user("budi", "short", Role::kAdmin, now), ErrorCode::kInvalidArgument, "password");
}

EKTP_INSTANTIATE_FOR_BACKENDS(AuthServiceTest);

}  // namespace
}  // namespace ektp::registry
