#include "access/auth_service.h"

#include <fmt/format.h>

#include "core/civil_date.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::access {
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
  system_clock::time_point now = sys_days{ektp::CivilDate{year{2026}, November, day{23}}} + hours{2};
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
  EXPECT_ERROR(auth->create_user("ani.op", "another long one", Role::kSupervisor, now), ErrorCode::kAlreadyExists, "already exists");
  EXPECT_ERROR(auth->create_user("Ani Op", "another long one", Role::kSupervisor, now), ErrorCode::kInvalidArgument, "username");
  EXPECT_ERROR(auth->create_user("budi", "short", Role::kSupervisor, now), ErrorCode::kInvalidArgument, "password");
}

TEST_P(AuthServiceTest, LogoutOnOneServerIsRefusedOnAnotherWithinTheCacheLifetime) {
  // A second server process: its own Database and AuthService on the same data.
  auto second_db = store::Database::open(test_database().url());
  ASSERT_OK(second_db);
  const AuthOptions options;
  AuthService second(**second_db, options);
  auto login = auth->login("ani.op", "correct horse", now);
  ASSERT_OK(login);
  ASSERT_OK(second.authenticate(login->token, now));  // seen, and remembered, by the second
  ASSERT_OK(auth->logout(login->token));
  // On the server that logged out: at once.
  EXPECT_ERROR(auth->authenticate(login->token, now), ErrorCode::kUnauthenticated, "invalid token");
  // On the other: once its memory of the session is older than the cache lifetime, never later.
  EXPECT_ERROR(second.authenticate(login->token, now + options.session_cache_ttl), ErrorCode::kUnauthenticated,
               "invalid token");
  // Without the cache, at once there too.
  auto again = auth->login("ani.op", "correct horse", now);
  ASSERT_OK(again);
  AuthService uncached(**second_db, AuthOptions{.throttle = {}, .hash_wait = milliseconds{2'000},
                                                 .session_cache_ttl = milliseconds{0}});
  ASSERT_OK(uncached.authenticate(again->token, now));
  ASSERT_OK(auth->logout(again->token));
  EXPECT_ERROR(uncached.authenticate(again->token, now), ErrorCode::kUnauthenticated, "invalid token");
}

TEST_P(AuthServiceTest, DeactivationAndRoleChangesApplyToExistingTokens) {
  auto second_db = store::Database::open(test_database().url());
  ASSERT_OK(second_db);
  const AuthOptions options;
  AuthService second(**second_db, options);
  const auto later = now + options.session_cache_ttl;  // past the second server's memory
  auto login = auth->login("ani.op", "correct horse", now);
  ASSERT_OK(login);
  auto before = second.authenticate(login->token, now);
  ASSERT_OK(before);
  EXPECT_EQ(before->role, Role::kOperator);
  EXPECT_EQ(before->id, login->session.id);
  EXPECT_EQ(before->id.size(), kSessionIdHexDigits);

  ASSERT_OK(auth->set_role("ani.op", Role::kSupervisor, "root.admin"));
  auto here = auth->authenticate(login->token, now);  // the changing server: at once
  ASSERT_OK(here);
  EXPECT_EQ(here->role, Role::kSupervisor);
  auto promoted = second.authenticate(login->token, later);
  ASSERT_OK(promoted);
  EXPECT_EQ(promoted->role, Role::kSupervisor);

  ASSERT_OK(auth->set_active("ani.op", false));
  EXPECT_ERROR(auth->authenticate(login->token, later), ErrorCode::kUnauthenticated, "");
  EXPECT_ERROR(second.authenticate(login->token, later + options.session_cache_ttl), ErrorCode::kUnauthenticated, "");
  EXPECT_ERROR(auth->login("ani.op", "correct horse", now), ErrorCode::kUnauthenticated, "wrong username or password");
  ASSERT_OK(auth->set_active("ani.op", true));
  // Deactivation revoked the session: reactivating does not bring the old token back.
  EXPECT_ERROR(second.authenticate(login->token, later + options.session_cache_ttl), ErrorCode::kUnauthenticated,
               "invalid token");
  EXPECT_OK(auth->login("ani.op", "correct horse", now));
  EXPECT_ERROR(auth->set_active("nobody", false), ErrorCode::kNotFound, "nobody");
  EXPECT_ERROR(auth->set_role("nobody", Role::kAdmin, "root.admin"), ErrorCode::kNotFound, "nobody");
}

TEST_P(AuthServiceTest, OversizedLoginFieldsAreRefusedBeforeHashing) {
  std::string huge(1 << 20, 'a');
  EXPECT_ERROR(auth->login(huge, "correct horse", now), ErrorCode::kInvalidArgument, "username");
  EXPECT_ERROR(auth->login("ani.op", std::string(257, 'x'), now), ErrorCode::kInvalidArgument, "password");
  EXPECT_ERROR(auth->login(std::string(65, 'a'), "x", now), ErrorCode::kInvalidArgument, "username");
  // Size refusals are not counted as guesses.
  EXPECT_OK(auth->login("ani.op", "correct horse", now));
}

TEST_P(AuthServiceTest, FailuresFromOneAddressDoNotLockTheUserOutElsewhere) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_ERROR(auth->login("ani.op", "guess", "203.0.113.9", now + seconds{i}), ErrorCode::kUnauthenticated, "wrong");
  }
  EXPECT_ERROR(auth->login("ani.op", "correct horse", "203.0.113.9", now + seconds{10}),
               ErrorCode::kResourceExhausted, "too many");
  EXPECT_OK(auth->login("ani.op", "correct horse", "198.51.100.7", now + seconds{10}));
}

TEST_P(AuthServiceTest, TheWindowSlidesSoABoundaryDoesNotDoubleTheGuesses) {
  // Ten failures just before a minute boundary, then more just after: still refused, because the
  // window is the last 60 seconds, not the calendar minute.
  auto edge = sys_days{ektp::CivilDate{year{2026}, November, day{23}}} + hours{3} - seconds{2};
  for (int i = 0; i < 10; ++i) (void)auth->login("ani.op", "guess", "203.0.113.9", edge);
  EXPECT_ERROR(auth->login("ani.op", "guess", "203.0.113.9", edge + seconds{3}), ErrorCode::kResourceExhausted, "too many");
  EXPECT_ERROR(auth->login("ani.op", "correct horse", "203.0.113.9", edge + seconds{59}),
               ErrorCode::kResourceExhausted, "too many");
  EXPECT_OK(auth->login("ani.op", "correct horse", "203.0.113.9", edge + seconds{61}));
}

TEST_P(AuthServiceTest, OneAddressGuessingManyUsernamesIsThrottled) {
  AuthService strict(db(), AuthOptions{.throttle = {.per_address = 5}});
  for (int i = 0; i < 5; ++i) {
    EXPECT_ERROR(strict.login(fmt::format("user{}", i), "guess", "203.0.113.9", now), ErrorCode::kUnauthenticated, "wrong");
  }
  EXPECT_ERROR(strict.login("ani.op", "correct horse", "203.0.113.9", now), ErrorCode::kResourceExhausted, "too many");
  EXPECT_OK(strict.login("ani.op", "correct horse", "198.51.100.7", now));
}

TEST_P(AuthServiceTest, ABusyHashingGateAnswersUnavailableInsteadOfStalling) {
  AuthService quick(db(), AuthOptions{.throttle = {}, .hash_wait = milliseconds{20}});
  auto held = quick.hash_gate().enter();
  ASSERT_TRUE(held);
  EXPECT_ERROR(quick.login("ani.op", "correct horse", now), ErrorCode::kUnavailable, "busy");
}

TEST_P(AuthServiceTest, UnknownUsernamesCostAPasswordVerificationToo) {
  auto timed = [&](std::string_view username) -> steady_clock::duration {
    (void)auth->login(username, "warm up", "192.0.2.1", now);  // the dummy hash is made once
    auto start = steady_clock::now();
    auto failed = auth->login(username, "wrong horse", "192.0.2.2", now);
    auto took = steady_clock::now() - start;
    EXPECT_FALSE(failed.has_value());
    return took;
  };
  auto known = timed("ani.op");
  auto unknown = timed("nobody");
  // argon2id dominates both; without the dummy verification an unknown name answers ~100x faster.
  EXPECT_GT(unknown * 4, known) << duration_cast<microseconds>(unknown).count() << " us vs "
                                << duration_cast<microseconds>(known).count() << " us";
}

TEST_P(AuthServiceTest, PasswordPolicyRefusesShortCommonAndUsernamePasswords) {
  EXPECT_ERROR(auth->create_user("budi", "eleven-char", Role::kOperator, now), ErrorCode::kInvalidArgument, "12 to 128");
  EXPECT_ERROR(auth->create_user("budi", std::string(129, 'k'), Role::kOperator, now), ErrorCode::kInvalidArgument, "12 to 128");
  EXPECT_ERROR(auth->create_user("budi", "Password1234", Role::kOperator, now), ErrorCode::kInvalidArgument, "common");
  EXPECT_ERROR(auth->create_user("budi", "Indonesia1945", Role::kOperator, now), ErrorCode::kInvalidArgument, "common");
  EXPECT_ERROR(auth->create_user("budi.s", "saya-BUDI.S-dari-solo", Role::kOperator, now), ErrorCode::kInvalidArgument,
               "username");
  // No composition rules: twelve lower-case letters, or twelve multi-byte characters, are fine.
  EXPECT_OK(auth->create_user("budi", "kopitubruksa", Role::kOperator, now));
  EXPECT_OK(auth->create_user("sari", "ééééééééééé1", Role::kOperator, now));
  auto login = auth->login("budi", "kopitubruksa", now);
  ASSERT_OK(login);
  EXPECT_ERROR(auth->change_password(login->token, "kopitubruksa", "budi-kopi-tubruk", now), ErrorCode::kInvalidArgument,
               "username");
  EXPECT_ERROR(auth->change_password(login->token, "kopitubruksa", "qwerty123456", now), ErrorCode::kInvalidArgument,
               "common");
  EXPECT_ERROR(auth->reset_password("budi", "short"), ErrorCode::kInvalidArgument, "12 to 128");
  EXPECT_OK(auth->change_password(login->token, "kopitubruksa", "teh-manis-hangat", now));
  // Each rule has its stable reason, which the web UI says in Indonesian.
  EXPECT_EQ(auth->reset_password("budi", "short").error().reason, "password_length");
  EXPECT_EQ(auth->reset_password("budi", "Password1234").error().reason, "password_common");
  EXPECT_EQ(auth->reset_password("budi", "kata-sandi-budi").error().reason, "password_has_username");
}

TEST(LoginThrottleTest, MemoryStaysBounded) {
  LoginThrottle throttle(LoginThrottleLimits{.window_ms = 60'000, .per_user_address = 3, .per_address = 1'000'000,
                                             .keys_max = 100});
  for (int i = 0; i < 10'000; ++i) throttle.record_failure(fmt::format("u{}", i), fmt::format("a{}", i % 50), 1'000);
  // Still works, and a key recorded last is still counted.
  for (int i = 0; i < 3; ++i) throttle.record_failure("ani.op", "a1", 2'000);
  EXPECT_FALSE(throttle.allowed("ani.op", "a1", 2'000));
  EXPECT_TRUE(throttle.allowed("ani.op", "a2", 2'000));
  EXPECT_TRUE(throttle.allowed("ani.op", "a1", 62'001));
}

EKTP_INSTANTIATE_FOR_BACKENDS(AuthServiceTest);

}  // namespace
}  // namespace ektp::access
