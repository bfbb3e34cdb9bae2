// AuthService::activate_account: a station operator's first password (or a new one), set with a
// one-time code central checks. See sync/operator_enrolment.h for the whole exchange.
#include "access/auth_service.h"
#include "access/password_policy.h"

namespace ektp::access {

Status AuthService::activate_account(const AccountActivation& a, const CodeRedeemer& redeem,
                                     std::chrono::system_clock::time_point now) {
  if (auto s = validate_username(a.username); !s) return s;
  if (a.code.empty() || a.code.size() > 40) return invalid_argument("code: the activation code, 12 characters");
  if (auto s = check_password_policy(a.password, a.username); !s) return s;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  if (!throttle_.allowed(a.username, a.client_address, now_ms)) {
    return make_error(ErrorCode::kResourceExhausted, "too many failed attempts; wait a minute");
  }
  auto role = redeem(a.username, a.code);
  if (!role) {
    if (role.error().code == ErrorCode::kUnauthenticated) throttle_.record_failure(a.username, a.client_address, now_ms);
    return std::unexpected(role.error());
  }
  Result<std::string> hash = [&]() -> Result<std::string> {
    auto pass = gate_.enter();
    if (!pass) return make_error(ErrorCode::kUnavailable, "logins are busy; retry in a few seconds");
    return hash_password(a.password);
  }();
  if (!hash) return std::unexpected(hash.error());
  const std::string username(a.username);
  auto done = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto saved = c.execute(
        "INSERT INTO users (username, password_hash, role, created_at_ms) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (username) DO UPDATE SET password_hash = $2, role = $3, active = 1",
        {username, *hash, std::string(role_id(*role)), now_ms});
    if (!saved) return std::unexpected(saved.error());
    auto revoked = c.execute("DELETE FROM sessions WHERE username = $1", {username});
    if (!revoked) return std::unexpected(revoked.error());
    return true;
  });
  sessions_.clear();  // after the commit, so that no request re-reads the old row meanwhile
  if (!done) return std::unexpected(done.error());
  throttle_.record_success(a.username, a.client_address);
  return {};
}

}  // namespace ektp::access
