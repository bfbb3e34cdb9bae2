// PINs and sign-in on SQLite and PostgreSQL: a PIN is issued as 8 random digits, stored only as
// an argon2id hash, and replaced by the next one (which also ends the resident's sessions); a
// sign-in needs the NIK, the birth date and the PIN together, and a wrong one of any of them is
// refused alike; five wrong attempts lock the PIN — even the right PIN is then refused — until the
// office issues a new one; malformed input is refused before any hashing; every attempt is
// audited and no PIN is ever written to the audit log.
#include "resident/resident_sign_in.h"

#include <gtest/gtest.h>

#include "resident/resident_limits.h"
#include "resident/resident_pins.h"
#include "resident/resident_sessions.h"
#include "resident_fixture.h"

namespace ektp::resident {
namespace {

using test_fixture::kMinuteMs;
using test_fixture::kNowMs;

class ResidentSignInTest : public test_fixture::ResidentTest {
 protected:
  std::string issue(const std::string& nik) {
    auto issued = issue_pin(db(), gate, nik, {"ani.op", kNowMs});
    EXPECT_OK(issued);
    return issued ? issued->pin : std::string();
  }
  SignInOutcome attempt(std::string_view nik, std::string_view birth, std::string_view pin, std::int64_t at = kNowMs) {
    auto result = sign_in(db(), gate, {nik, birth, pin, "192.0.2.7", at});
    EXPECT_OK(result);
    return result ? result->outcome : SignInOutcome::kRejected;
  }
  // A PIN of the right shape that is not `pin`.
  static std::string other_than(const std::string& pin) {
    std::string wrong = pin;
    wrong.back() = wrong.back() == '0' ? '1' : '0';
    return wrong;
  }
};

TEST_P(ResidentSignInTest, APinIsRandomShownOnceAndStoredAsASaltedSlowHash) {
  auto first = issue_pin(db(), gate, resident.nik, {"ani.op", kNowMs});
  ASSERT_OK(first);
  EXPECT_EQ(first->pin.size(), resident_limits::pin_digits_issued);
  EXPECT_EQ(first->pin.find_first_not_of("0123456789"), std::string::npos);
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto stored = stored_pin(**conn, resident.nik);
  ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_TRUE((*stored)->hash.starts_with("$argon2id$")) << (*stored)->hash;
  EXPECT_EQ((*stored)->hash.find(first->pin), std::string::npos);
  EXPECT_EQ(all_audit_text().find(first->pin), std::string::npos) << "the PIN is never audited";
  EXPECT_EQ(audited("resident_pin.issue", resident.nik), 1);
  EXPECT_ERROR(issue_pin(db(), gate, "3327019999999999", {"ani.op", kNowMs}), ErrorCode::kNotFound, "no resident");
  EXPECT_ERROR(issue_pin(db(), gate, "33270", {"ani.op", kNowMs}), ErrorCode::kInvalidArgument, "nik");
  EXPECT_ERROR(issue_pin(db(), gate, resident.nik, {"", kNowMs}), ErrorCode::kInvalidArgument, "issued_by");
}

TEST_P(ResidentSignInTest, TheNikBirthDateAndPinTogetherOpenASessionAndAWrongOneIsRefusedAlike) {
  const std::string pin = issue(resident.nik);
  auto ok = sign_in(db(), gate, {resident.nik, resident.birth_date, pin, "192.0.2.7", kNowMs});
  ASSERT_OK(ok);
  ASSERT_EQ(ok->outcome, SignInOutcome::kAccepted);
  EXPECT_EQ(ok->opened.token.size(), resident_limits::session_token_hex_digits);
  auto session = authenticate_session(db(), ok->opened.token, kNowMs + kMinuteMs);
  ASSERT_OK(session);
  EXPECT_EQ(session->nik, resident.nik);
  EXPECT_EQ(audited("resident.login", resident.nik), 1);

  EXPECT_EQ(attempt(resident.nik, "1901-01-01", pin), SignInOutcome::kRejected) << "wrong birth date";
  EXPECT_EQ(attempt(resident.nik, resident.birth_date, other_than(pin)), SignInOutcome::kRejected) << "wrong PIN";
  EXPECT_EQ(attempt(neighbour.nik, neighbour.birth_date, pin), SignInOutcome::kRejected) << "a NIK without a PIN";
  EXPECT_EQ(attempt("3327019999999999", "1990-01-01", pin), SignInOutcome::kRejected) << "a NIK not in the register";
  EXPECT_EQ(audited("resident.login_failed", resident.nik), 2);
  EXPECT_EQ(audited("resident.login_failed", "3327019999999999"), 1);
  EXPECT_EQ(all_audit_text().find(pin), std::string::npos) << "no PIN in the audit log";
  // A successful sign-in forgives the wrong attempts before it.
  EXPECT_EQ(attempt(resident.nik, resident.birth_date, pin), SignInOutcome::kAccepted);
  auto conn = db().connect();
  ASSERT_OK(conn);
  EXPECT_EQ((*stored_pin(**conn, resident.nik))->failures, 0);
}

TEST_P(ResidentSignInTest, FiveWrongAttemptsLockThePinUntilTheOfficeIssuesANewOne) {
  const std::string pin = issue(resident.nik);
  for (int i = 1; i < resident_limits::pin_failures_max; ++i) {
    auto wrong = sign_in(db(), gate, {resident.nik, resident.birth_date, other_than(pin), "192.0.2.7", kNowMs + i});
    ASSERT_OK(wrong);
    EXPECT_EQ(wrong->outcome, SignInOutcome::kRejected) << i;
    EXPECT_EQ(wrong->failures, i);
  }
  // A wrong birth date counts as much as a wrong PIN: the fifth locks.
  EXPECT_EQ(attempt(resident.nik, "1901-01-01", pin), SignInOutcome::kLocked);
  EXPECT_EQ(audited("resident.pin_locked", resident.nik), 1);
  EXPECT_EQ(attempt(resident.nik, resident.birth_date, pin, kNowMs + 60 * kMinuteMs), SignInOutcome::kLocked)
      << "the right PIN no longer opens it";
  EXPECT_EQ(audited("resident.login_locked", resident.nik), 1);
  const std::string fresh = issue(resident.nik);
  EXPECT_EQ(attempt(resident.nik, resident.birth_date, pin), SignInOutcome::kRejected) << "the old PIN is gone";
  EXPECT_EQ(attempt(resident.nik, resident.birth_date, fresh), SignInOutcome::kAccepted);
}

TEST_P(ResidentSignInTest, ANewPinEndsTheSessionsOfTheOldOne) {
  const std::string pin = issue(resident.nik);
  auto ok = sign_in(db(), gate, {resident.nik, resident.birth_date, pin, "192.0.2.7", kNowMs});
  ASSERT_OK(ok);
  ASSERT_OK(authenticate_session(db(), ok->opened.token, kNowMs));
  issue(resident.nik);
  auto gone = authenticate_session(db(), ok->opened.token, kNowMs);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().reason, resident_reason::kSessionInvalid);
}

TEST_P(ResidentSignInTest, MalformedInputIsRefusedBeforeAnyHashingAndNotCounted) {
  const std::string pin = issue(resident.nik);
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> bad{
      {"33270155089", resident.birth_date, pin, "nik"},
      {"33270155089000AB", resident.birth_date, pin, "nik"},
      {resident.nik, "23-11-1990", pin, "birth_date"},
      {resident.nik, "1990-02-30", pin, "birth_date"},
      {resident.nik, resident.birth_date, "12345", "pin"},
      {resident.nik, resident.birth_date, "123456789", "pin"},
      {resident.nik, resident.birth_date, "12345a", "pin"},
  };
  for (const auto& [nik, birth, presented, field] : bad) {
    auto refused = sign_in(db(), gate, {nik, birth, presented, "192.0.2.7", kNowMs});
    ASSERT_FALSE(refused.has_value()) << nik << " " << birth << " " << presented;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(refused.error().message.starts_with(field)) << refused.error().message;
  }
  auto conn = db().connect();
  ASSERT_OK(conn);
  EXPECT_EQ((*stored_pin(**conn, resident.nik))->failures, 0);
  EXPECT_EQ(audited("resident.login_failed", resident.nik), 0);
}

TEST_P(ResidentSignInTest, ASessionLastsFifteenMinutesAndEndsAtLogout) {
  const std::string pin = issue(resident.nik);
  auto ok = sign_in(db(), gate, {resident.nik, resident.birth_date, pin, "192.0.2.7", kNowMs});
  ASSERT_OK(ok);
  const std::string& token = ok->opened.token;
  EXPECT_EQ(ok->opened.session.expires_at_ms, kNowMs + 15 * kMinuteMs);
  ASSERT_OK(authenticate_session(db(), token, kNowMs + 15 * kMinuteMs - 1));
  EXPECT_FALSE(authenticate_session(db(), token, kNowMs + 15 * kMinuteMs).has_value()) << "expired";
  EXPECT_FALSE(authenticate_session(db(), std::string(64, 'g'), kNowMs).has_value()) << "not hex";
  EXPECT_FALSE(authenticate_session(db(), token.substr(1), kNowMs).has_value()) << "too short";
  ASSERT_OK(close_session(db(), token, kNowMs + kMinuteMs));
  EXPECT_EQ(audited("resident.logout", resident.nik), 1);
  auto ended = authenticate_session(db(), token, kNowMs + kMinuteMs);
  ASSERT_FALSE(ended.has_value());
  EXPECT_EQ(ended.error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(close_session(db(), token, kNowMs + kMinuteMs).has_value()) << "once";
  // Only the token's hash is kept.
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto rows = (*conn)->execute("SELECT COUNT(*) FROM resident_sessions WHERE token_hash = $1", {token});
  ASSERT_OK(rows);
  EXPECT_EQ(rows->rows.front().integer(0), 0);
}

EKTP_INSTANTIATE_FOR_BACKENDS(ResidentSignInTest);

}  // namespace
}  // namespace ektp::resident
