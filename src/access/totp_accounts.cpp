// AuthService's second factor: enrolling a TOTP authenticator, checking its codes at sign-in
// (each code good once), and an admin's reset. Secrets are sealed with TotpSecretKey; the
// database alone opens none of them.
#include <algorithm>

#include <fmt/format.h>

#include "access/auth_service.h"
#include "access/sha256.h"
#include "access/totp.h"

namespace ektp::access {

namespace {

namespace reason = totp_reason;

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::int64_t now_step(std::chrono::system_clock::time_point now) {
  return totp_step(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

}  // namespace

void AuthService::enable_totp(TotpSecretKey key, std::vector<Role> required_for) {
  totp_key_ = std::move(key);
  totp_required_for_ = std::move(required_for);
}

bool AuthService::totp_required(Role role) const {
  return std::find(totp_required_for_.begin(), totp_required_for_.end(), role) != totp_required_for_.end();
}

Result<TotpState> AuthService::totp_state(std::string_view username) {
  auto rows = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) {
    return c.execute(
        "SELECT u.role, COALESCE(t.confirmed_at_ms, 0) FROM users u LEFT JOIN user_totp t ON t.username = u.username"
        " WHERE u.username = $1",
        {std::string(username)});
  });
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return not_found(fmt::format("no user '{}'", username));
  auto role = parse_role(rows->rows.front().text(0));
  if (!role) return make_error(ErrorCode::kDataLoss, "stored user role is corrupt");
  const std::int64_t confirmed = rows->rows.front().integer(1);
  return TotpState{confirmed > 0, totp_required(*role), confirmed};
}

Result<TotpEnrolment> AuthService::begin_totp(std::string_view token, std::string_view password,
                                              std::chrono::system_clock::time_point now) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate(token, now));
  if (!totp_key_) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(reason::kUnavailable),
                   "this server keeps no key for second factors");
  }
  // Refused as 403, not 401: the session stays valid, only this step is refused.
  if (auto proved = check_password(session.username, password); !proved) {
    if (proved.error().code != ErrorCode::kUnauthenticated) return std::unexpected(proved.error());
    return refusal(ErrorCode::kPermissionDenied, std::string(reason::kPasswordWrong), "the password is wrong");
  }
  EKTP_ASSIGN_OR_RETURN(auto state, totp_state(session.username));
  if (state.enrolled) {
    return refusal(ErrorCode::kAlreadyExists, std::string(reason::kAlreadyEnrolled),
                   fmt::format("'{}' already has a second factor; an admin resets it first", session.username));
  }
  const TotpSecret secret = new_totp_secret();
  if (secret.size() != kTotpSecretBytes) return make_error(ErrorCode::kInternal, "no random secret");
  const std::string sealed = totp_key_->seal(session.username, secret);
  auto saved = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    // Restarting replaces an unconfirmed secret; a confirmed one is never overwritten here.
    auto deleted = c.execute("DELETE FROM user_totp WHERE username = $1 AND confirmed_at_ms = 0", {session.username});
    if (!deleted) return std::unexpected(deleted.error());
    auto inserted = c.execute(
        "INSERT INTO user_totp (username, secret_sealed, confirmed_at_ms, last_step, created_at_ms)"
        " VALUES ($1, $2, 0, 0, $3)",
        {session.username, sealed, to_ms(now)});
    if (!inserted) return std::unexpected(inserted.error());
    return true;
  });
  if (!saved) return std::unexpected(saved.error());
  return TotpEnrolment{base32_encode(secret), totp_uri("ektp", session.username, secret)};
}

Status AuthService::confirm_totp(std::string_view token, std::string_view code,
                                 std::chrono::system_clock::time_point now) {
  EKTP_ASSIGN_OR_RETURN(auto session, authenticate(token, now));
  EKTP_RETURN_IF_ERROR(check_totp_code_format(code));
  if (!totp_key_) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(reason::kUnavailable),
                   "this server keeps no key for second factors");
  }
  auto row = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) {
    return c.execute("SELECT secret_sealed, confirmed_at_ms FROM user_totp WHERE username = $1", {session.username});
  });
  if (!row) return std::unexpected(row.error());
  if (row->rows.empty() || row->rows.front().integer(1) > 0) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(reason::kNotStarted),
                   "no second-factor enrolment is waiting for a code");
  }
  EKTP_ASSIGN_OR_RETURN(auto secret, totp_key_->open_box(session.username, row->rows.front().text(0)));
  auto step = match_totp(secret, code, now_step(now), 0);
  if (!step) return refusal(ErrorCode::kPermissionDenied, std::string(reason::kWrong), "the code is not the app's current one");
  const std::string keep = sha256_hex(token);
  auto done = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto updated = c.execute(
        "UPDATE user_totp SET confirmed_at_ms = $1, last_step = $2 WHERE username = $3 AND confirmed_at_ms = 0",
        {to_ms(now), *step, session.username});
    if (!updated) return std::unexpected(updated.error());
    if (updated->rows_affected == 0) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(reason::kNotStarted),
                     "no second-factor enrolment is waiting for a code");
    }
    // Sessions opened with the password alone do not gain the second factor: only this one.
    auto kept = c.execute("UPDATE sessions SET second_factor_pending = 0 WHERE token_hash = $1", {keep});
    if (!kept) return std::unexpected(kept.error());
    auto revoked = c.execute("DELETE FROM sessions WHERE username = $1 AND token_hash <> $2", {session.username, keep});
    if (!revoked) return std::unexpected(revoked.error());
    return true;
  });
  sessions_.clear();  // after the commit, so that no request re-reads the old row meanwhile
  if (!done) return std::unexpected(done.error());
  return {};
}

Status AuthService::check_totp(std::string_view username, std::string_view code,
                               std::chrono::system_clock::time_point now) {
  if (code.empty()) {
    return refusal(ErrorCode::kUnauthenticated, std::string(reason::kRequired), "this account signs in with a TOTP code");
  }
  if (!totp_key_) return make_error(ErrorCode::kUnavailable, "this server keeps no key for second factors");
  auto wrong = [] { return refusal(ErrorCode::kUnauthenticated, std::string(reason::kWrong), "wrong TOTP code"); };
  if (!check_totp_code_format(code)) return wrong();
  auto row = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) {
    return c.execute("SELECT secret_sealed, last_step FROM user_totp WHERE username = $1 AND confirmed_at_ms > 0",
                     {std::string(username)});
  });
  if (!row) return std::unexpected(row.error());
  if (row->rows.empty()) return wrong();
  EKTP_ASSIGN_OR_RETURN(auto secret, totp_key_->open_box(username, row->rows.front().text(0)));
  const std::int64_t last_step = row->rows.front().integer(1);
  auto step = match_totp(secret, code, now_step(now), last_step);
  if (!step) return wrong();
  // Compare-and-set on the last step: two sign-ins racing with one code get one session.
  auto claimed = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto updated = c.execute("UPDATE user_totp SET last_step = $1 WHERE username = $2 AND last_step < $1",
                             {*step, std::string(username)});
    if (!updated) return std::unexpected(updated.error());
    return updated->rows_affected == 1;
  });
  if (!claimed) return std::unexpected(claimed.error());
  if (!*claimed) return wrong();
  return {};
}

Status AuthService::reset_totp(std::string_view username) {
  EKTP_RETURN_IF_ERROR(validate_username(username));
  auto done = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto deleted = c.execute("DELETE FROM user_totp WHERE username = $1", {std::string(username)});
    if (!deleted) return std::unexpected(deleted.error());
    if (deleted->rows_affected == 0) return not_found(fmt::format("'{}' has no second factor", username));
    auto revoked = c.execute("DELETE FROM sessions WHERE username = $1", {std::string(username)});
    if (!revoked) return std::unexpected(revoked.error());
    return true;
  });
  sessions_.clear();
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace ektp::access
