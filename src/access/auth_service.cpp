#include "access/auth_service.h"

#include <sodium.h>

#include <fmt/format.h>

#include "core/limits.h"
#include "access/sha256.h"
#include "access/password_policy.h"

namespace ektp::access {

namespace {

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

std::string token_hash(std::string_view token) { return access::sha256_hex(token); }

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

Error wrong_credentials() { return Error{ErrorCode::kUnauthenticated, "wrong username or password"}; }

// An argon2id hash of a random password with the same parameters as real ones: an unknown or
// deactivated username costs the same verification as a known one. Empty if hashing failed.
const std::string& dummy_hash() {
  static const std::string hash = [] {
    if (!sodium_ready()) return std::string();
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, reinterpret_cast<const char*>(random), sizeof random,
                              crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
      return std::string();
    }
    return std::string(out);
  }();
  return hash;
}

bool verify(const std::string& stored, std::string_view password) {
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

Status check_login_sizes(std::string_view username, std::string_view password) {
  if (username.size() > limits::username_bytes_max) {
    return invalid_argument(fmt::format("username: at most {} bytes", limits::username_bytes_max));
  }
  if (password.size() > limits::password_bytes_max) {
    return invalid_argument(fmt::format("password: at most {} bytes", limits::password_bytes_max));
  }
  return {};
}

}  // namespace

Status validate_username(std::string_view username) {
  if (username.size() < 3 || username.size() > limits::username_bytes_max) {
    return invalid_argument(fmt::format("username: must be 3 to {} characters", limits::username_bytes_max));
  }
  for (char c : username) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return invalid_argument("username: only a-z, 0-9, '.', '_' and '-' are allowed");
  }
  return {};
}

std::string temporary_password() {
  static constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";  // no 0/o, 1/l/i
  (void)sodium_ready();
  std::string out;
  for (int i = 0; i < 16; ++i) {
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return out;
}

Result<std::string> AuthService::hash_password(std::string_view password) {
  if (!sodium_ready()) return make_error(ErrorCode::kInternal, "libsodium failed to initialise");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(ErrorCode::kResourceExhausted, "password hashing ran out of memory");
  }
  return std::string(hash);
}

Result<LoginResult> AuthService::login(const LoginAttempt& attempt, std::chrono::system_clock::time_point now) {
  const std::string_view username = attempt.username;
  const std::string_view client_address = attempt.client_address;
  if (auto s = check_login_sizes(username, attempt.password); !s) return std::unexpected(s.error());
  if (attempt.totp.size() > 16) return invalid_argument("totp: must be 6 digits");
  const auto now_ms = to_ms(now);
  if (!throttle_.allowed(username, client_address, now_ms)) {
    return make_error(ErrorCode::kResourceExhausted, "too many failed logins; wait a minute");
  }
  if (!sodium_ready()) return make_error(ErrorCode::kInternal, "libsodium failed to initialise");
  auto user = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) {
    return c.execute(
        "SELECT u.password_hash, u.role, u.active, u.approval_status, COALESCE(o.region_code, ''),"
        " COALESCE(t.confirmed_at_ms, 0) FROM users u"
        " LEFT JOIN user_offices o ON o.username = u.username"
        " LEFT JOIN user_totp t ON t.username = u.username WHERE u.username = $1",
        {std::string(username)});
  });
  if (!user) return std::unexpected(user.error());
  const bool known = !user->rows.empty();
  const bool active = known && user->rows.front().integer(2) != 0;
  const std::string& stored = known ? user->rows.front().text(0) : dummy_hash();
  bool correct = false;
  {
    auto pass = gate_.enter();
    if (!pass) return make_error(ErrorCode::kUnavailable, "logins are busy; retry in a few seconds");
    // An account awaiting activation (no password yet) costs the same verification.
    correct = verify(stored.empty() ? dummy_hash() : stored, attempt.password) && !stored.empty();
  }
  if (!known || !active || !correct) {
    throttle_.record_failure(username, client_address, now_ms);
    return std::unexpected(wrong_credentials());
  }
  auto role = parse_role(user->rows.front().text(1));
  if (!role) return make_error(ErrorCode::kDataLoss, "stored user role is corrupt");
  const bool totp_enrolled = user->rows.front().integer(5) > 0;
  if (totp_enrolled) {
    if (auto checked = check_totp(username, attempt.totp, now); !checked) {
      if (checked.error().reason != totp_reason::kRequired) throttle_.record_failure(username, client_address, now_ms);
      return std::unexpected(checked.error());
    }
  }
  throttle_.record_success(username, client_address);

  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  LoginResult result{hex(random, sizeof random),
                     Session{std::string(username), *role, now_ms + limits::token_lifetime_s * 1000LL, "",
                             user->rows.front().text(4), user->rows.front().text(3) == approval_id(Approval::kApproved),
                             !totp_enrolled && totp_required(*role)}};
  auto hash = token_hash(result.token);
  result.session.id = hash.substr(0, kSessionIdHexDigits);
  auto saved = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto inserted = c.execute(
        "INSERT INTO sessions (token_hash, username, role, expires_at_ms, created_at_ms, second_factor_pending)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        {hash, result.session.username, std::string(role_id(*role)), result.session.expires_at_ms, now_ms,
         std::int64_t{result.session.second_factor_pending ? 1 : 0}});
    if (!inserted) return std::unexpected(inserted.error());
    auto purged = c.execute("DELETE FROM sessions WHERE expires_at_ms < $1", {now_ms});
    if (!purged) return std::unexpected(purged.error());
    return true;
  });
  if (!saved) return std::unexpected(saved.error());
  return result;
}

Result<Session> AuthService::authenticate(std::string_view token, std::chrono::system_clock::time_point now) {
  if (token.size() != 64) return make_error(ErrorCode::kUnauthenticated, "invalid token");
  auto hash = token_hash(token);
  if (auto cached = sessions_.find(hash, to_ms(now))) {
    return Session{std::move(cached->username), cached->role, cached->expires_at_ms,
                   hash.substr(0, kSessionIdHexDigits), std::move(cached->office_region), cached->approved,
                   cached->second_factor_pending};
  }
  auto session = authenticate_in_database(hash, now);
  if (session) {
    sessions_.remember(hash,
                       {session->username, session->role, session->expires_at_ms, session->office_region,
                        session->approved, session->second_factor_pending},
                       to_ms(now));
  }
  return session;
}

Result<Session> AuthService::authenticate_in_database(const std::string& hash,
                                                      std::chrono::system_clock::time_point now) {
  auto row = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) {
    return c.execute(
        "SELECT s.username, u.role, s.expires_at_ms, u.active, COALESCE(o.region_code, ''), u.approval_status,"
        " s.second_factor_pending FROM sessions s JOIN users u ON u.username = s.username LEFT JOIN user_offices o ON o.username = s.username"
        " WHERE s.token_hash = $1",
        {hash});
  });
  if (!row) return std::unexpected(row.error());
  if (row->rows.empty()) return make_error(ErrorCode::kUnauthenticated, "invalid token");
  const auto& r = row->rows.front();
  if (r.integer(3) == 0) return make_error(ErrorCode::kUnauthenticated, "account is deactivated");
  if (r.integer(2) <= to_ms(now)) return make_error(ErrorCode::kUnauthenticated, "token expired; log in again");
  auto role = parse_role(r.text(1));
  if (!role) return make_error(ErrorCode::kDataLoss, "stored user role is corrupt");
  return Session{r.text(0), *role, r.integer(2), hash.substr(0, kSessionIdHexDigits), r.text(4),
                 r.text(5) == approval_id(Approval::kApproved), r.integer(6) != 0};
}

Status AuthService::check_password(std::string_view username, std::string_view password) {
  if (auto s = check_login_sizes(username, password); !s) return s;
  if (!sodium_ready()) return make_error(ErrorCode::kInternal, "libsodium failed to initialise");
  auto user = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) {
    return c.execute("SELECT password_hash, active FROM users WHERE username = $1", {std::string(username)});
  });
  if (!user) return std::unexpected(user.error());
  const bool known = !user->rows.empty() && user->rows.front().integer(1) != 0;
  const std::string& stored = known ? user->rows.front().text(0) : dummy_hash();
  auto pass = gate_.enter();
  if (!pass) return make_error(ErrorCode::kUnavailable, "logins are busy; retry in a few seconds");
  if (!known || stored.empty() || !verify(stored, password)) return std::unexpected(wrong_credentials());
  return {};
}

Status AuthService::logout(std::string_view token) {
  auto hash = token_hash(token);
  auto removed = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto deleted = c.execute("DELETE FROM sessions WHERE token_hash = $1", {hash});
    if (!deleted) return std::unexpected(deleted.error());
    return true;
  });
  sessions_.clear();  // after the commit, so that no request re-reads the old row meanwhile
  if (!removed) return std::unexpected(removed.error());
  return {};
}

Status AuthService::update_user(std::string_view username, std::string_view sql,
                                std::vector<store::Value> params, bool revoke_sessions) {
  auto done = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto updated = c.execute(sql, params);
    if (!updated) return std::unexpected(updated.error());
    if (updated->rows_affected == 0) return not_found(fmt::format("no user '{}'", username));
    if (revoke_sessions) {
      auto deleted = c.execute("DELETE FROM sessions WHERE username = $1", {std::string(username)});
      if (!deleted) return std::unexpected(deleted.error());
    }
    return true;
  });
  sessions_.clear();  // after the commit, so that no request re-reads the old row meanwhile
  if (!done) return std::unexpected(done.error());
  return {};
}

Status AuthService::set_active(std::string_view username, bool active) {
  if (auto s = validate_username(username); !s) return s;
  return update_user(username, "UPDATE users SET active = $1 WHERE username = $2",
                     {std::int64_t{active ? 1 : 0}, std::string(username)}, !active);
}

Status AuthService::reset_password(std::string_view username, std::string_view new_password) {
  if (auto s = validate_username(username); !s) return s;
  if (auto s = check_password_policy(new_password, username); !s) return s;
  auto hash = hash_password(new_password);
  if (!hash) return std::unexpected(hash.error());
  return update_user(username, "UPDATE users SET password_hash = $1 WHERE username = $2",
                     {*hash, std::string(username)}, true);
}

Status AuthService::change_password(std::string_view token, std::string_view current_password,
                                    std::string_view new_password, std::chrono::system_clock::time_point now) {
  auto session = authenticate(token, now);
  if (!session) return std::unexpected(session.error());
  if (auto s = check_login_sizes(session->username, current_password); !s) return s;
  if (auto s = check_password_policy(new_password, session->username); !s) return s;
  auto user = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) {
    return c.execute("SELECT password_hash FROM users WHERE username = $1", {session->username});
  });
  if (!user) return std::unexpected(user.error());
  if (user->rows.empty()) return make_error(ErrorCode::kUnauthenticated, "invalid token");
  {
    auto pass = gate_.enter();
    if (!pass) return make_error(ErrorCode::kUnavailable, "logins are busy; retry in a few seconds");
    if (!verify(user->rows.front().text(0), current_password)) {
      return make_error(ErrorCode::kUnauthenticated, "current password is wrong");
    }
  }
  auto hash = hash_password(new_password);
  if (!hash) return std::unexpected(hash.error());
  auto keep = token_hash(token);
  auto done = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto updated = c.execute("UPDATE users SET password_hash = $1 WHERE username = $2", {*hash, session->username});
    if (!updated) return std::unexpected(updated.error());
    auto deleted = c.execute("DELETE FROM sessions WHERE username = $1 AND token_hash <> $2",
                             {session->username, keep});
    if (!deleted) return std::unexpected(deleted.error());
    return true;
  });
  sessions_.clear();  // after the commit, so that no request re-reads the old row meanwhile
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<std::vector<SessionInfo>> AuthService::list_sessions(std::string_view username,
                                                            std::chrono::system_clock::time_point now) {
  if (auto s = validate_username(username); !s) return std::unexpected(s.error());
  auto rows = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) -> Result<store::QueryResult> {
    auto user = c.execute("SELECT 1 FROM users WHERE username = $1", {std::string(username)});
    if (!user) return std::unexpected(user.error());
    if (user->rows.empty()) return not_found(fmt::format("no user '{}'", username));
    return c.execute(
        "SELECT token_hash, created_at_ms, expires_at_ms FROM sessions"
        " WHERE username = $1 AND expires_at_ms > $2 ORDER BY created_at_ms, token_hash",
        {std::string(username), to_ms(now)});
  });
  if (!rows) return std::unexpected(rows.error());
  std::vector<SessionInfo> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) {
    out.push_back({r.text(0).substr(0, kSessionIdHexDigits), r.integer(1), r.integer(2)});
  }
  return out;
}

Result<std::string> AuthService::revoke_session(std::string_view session_id) {
  bool hex_id = session_id.size() == kSessionIdHexDigits;
  for (char c : session_id) hex_id = hex_id && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex_id) return invalid_argument(fmt::format("session id: {} lowercase hex digits", kSessionIdHexDigits));
  // Admin-only and rare: a scan of the (expiry-purged) sessions table is fine.
  auto revoked = store::with_write_transaction<std::string>(db_, [&](store::Connection& c) -> Result<std::string> {
    auto found = c.execute("SELECT token_hash, username FROM sessions WHERE substr(token_hash, 1, 12) = $1",
                           {std::string(session_id)});
    if (!found) return std::unexpected(found.error());
    if (found->rows.empty()) return not_found(fmt::format("no session '{}'", session_id));
    if (found->rows.size() > 1) return failed_precondition("session id is ambiguous; revoke the user's sessions");
    auto deleted = c.execute("DELETE FROM sessions WHERE token_hash = $1", {found->rows.front().text(0)});
    if (!deleted) return std::unexpected(deleted.error());
    return found->rows.front().text(1);
  });
  sessions_.clear();
  return revoked;
}

Status validate_office_region(std::string_view region_code) {
  const auto size = region_code.size();
  if (size != 2 && size != 4 && size != 6 && size != 10) {
    return invalid_argument(fmt::format("office region: {} characters; give a province (2 digits), regency (4), "
                                        "district (6) or village (10) code", size));
  }
  for (std::size_t i = 0; i < size; ++i) {
    if (region_code[i] < '0' || region_code[i] > '9') {
      return invalid_argument(fmt::format("office region: character {} is not a digit", i + 1));
    }
  }
  return {};
}

Status AuthService::set_office_region(std::string_view username, std::string_view region_code,
                                      std::chrono::system_clock::time_point now) {
  if (auto s = validate_username(username); !s) return s;
  if (auto s = validate_office_region(region_code); !s) return s;
  auto done = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto user = c.execute("SELECT 1 FROM users WHERE username = $1", {std::string(username)});
    if (!user) return std::unexpected(user.error());
    if (user->rows.empty()) return not_found(fmt::format("no user '{}'", username));
    auto removed = c.execute("DELETE FROM user_offices WHERE username = $1", {std::string(username)});
    if (!removed) return std::unexpected(removed.error());
    auto inserted = c.execute("INSERT INTO user_offices (username, region_code, updated_at_ms) VALUES ($1, $2, $3)",
                              {std::string(username), std::string(region_code), to_ms(now)});
    if (!inserted) return std::unexpected(inserted.error());
    return true;
  });
  sessions_.clear();  // after the commit, so that no request re-reads the old row meanwhile
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace ektp::access
