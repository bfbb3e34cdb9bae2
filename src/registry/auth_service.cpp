#include "registry/auth_service.h"

#include <sodium.h>

#include <fmt/format.h>

#include "core/limits.h"
#include "access/sha256.h"

namespace ektp::registry {

namespace {

constexpr std::size_t kSessionCacheMax = 100'000;
constexpr std::size_t kFailureTableMax = 100'000;

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

Status AuthService::create_user(std::string_view username, std::string_view password, Role role,
                                std::chrono::system_clock::time_point now) {
  if (auto s = validate_username(username); !s) return s;
  if (password.size() < limits::password_bytes_min || password.size() > limits::password_bytes_max) {
    return invalid_argument(fmt::format("password: must be {} to {} bytes", limits::password_bytes_min,
                                        limits::password_bytes_max));
  }
  if (!sodium_ready()) return make_error(ErrorCode::kInternal, "libsodium failed to initialise");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(ErrorCode::kResourceExhausted, "password hashing ran out of memory");
  }
  auto created = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto inserted = c.execute(
        "INSERT INTO users (username, password_hash, role, created_at_ms) VALUES ($1, $2, $3, $4)",
        {std::string(username), std::string(hash), std::string(role_id(role)), to_ms(now)});
    if (!inserted) {
      if (inserted.error().code == ErrorCode::kAlreadyExists) {
        return make_error(ErrorCode::kAlreadyExists, fmt::format("user '{}' already exists", username));
      }
      return std::unexpected(inserted.error());
    }
    return true;
  });
  if (!created) return std::unexpected(created.error());
  return {};
}

Result<LoginResult> AuthService::login(std::string_view username, std::string_view password,
                                       std::chrono::system_clock::time_point now) {
  const auto minute = to_ms(now) / 60'000;
  {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(std::string(username));
    if (it != failures_.end() && it->second.first == minute &&
        it->second.second >= static_cast<int>(limits::login_attempts_per_min)) {
      return make_error(ErrorCode::kResourceExhausted, "too many failed logins; wait a minute");
    }
  }
  auto fail = [&]() -> Result<LoginResult> {
    std::lock_guard lock(mutex_);
    if (failures_.size() >= kFailureTableMax) failures_.clear();
    auto& entry = failures_[std::string(username)];
    if (entry.first != minute) entry = {minute, 0};
    entry.second += 1;
    return make_error(ErrorCode::kUnauthenticated, "wrong username or password");
  };
  if (password.size() > limits::password_bytes_max || !sodium_ready()) return fail();
  auto user = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) {
    return c.execute("SELECT password_hash, role, active FROM users WHERE username = $1",
                     {std::string(username)});
  });
  if (!user) return std::unexpected(user.error());
  if (user->rows.empty() || user->rows.front().integer(2) == 0) return fail();
  auto stored = user->rows.front().text(0);
  if (crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) != 0) return fail();
  auto role = parse_role(user->rows.front().text(1));
  if (!role) return make_error(ErrorCode::kDataLoss, "stored user role is corrupt");

  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  LoginResult result{hex(random, sizeof random),
                     Session{std::string(username), *role, to_ms(now) + limits::token_lifetime_s * 1000LL}};
  auto hash = token_hash(result.token);
  auto saved = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto inserted = c.execute(
        "INSERT INTO sessions (token_hash, username, role, expires_at_ms) VALUES ($1, $2, $3, $4)",
        {hash, result.session.username, std::string(role_id(*role)), result.session.expires_at_ms});
    if (!inserted) return std::unexpected(inserted.error());
    auto purged = c.execute("DELETE FROM sessions WHERE expires_at_ms < $1", {to_ms(now)});
    if (!purged) return std::unexpected(purged.error());
    return true;
  });
  if (!saved) return std::unexpected(saved.error());
  return result;
}

Result<Session> AuthService::authenticate(std::string_view token, std::chrono::system_clock::time_point now) {
  if (token.size() != 64) return make_error(ErrorCode::kUnauthenticated, "invalid token");
  auto hash = token_hash(token);
  const auto now_ms = to_ms(now);
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      if (it->second.expires_at_ms > now_ms) return it->second;
      cache_.erase(it);
      return make_error(ErrorCode::kUnauthenticated, "token expired; log in again");
    }
  }
  auto row = store::with_read_transaction<store::QueryResult>(db_, [&](store::Connection& c) {
    return c.execute("SELECT username, role, expires_at_ms FROM sessions WHERE token_hash = $1", {hash});
  });
  if (!row) return std::unexpected(row.error());
  if (row->rows.empty()) return make_error(ErrorCode::kUnauthenticated, "invalid token");
  auto role = parse_role(row->rows.front().text(1));
  if (!role) return make_error(ErrorCode::kDataLoss, "stored session role is corrupt");
  Session session{row->rows.front().text(0), *role, row->rows.front().integer(2)};
  if (session.expires_at_ms <= now_ms) return make_error(ErrorCode::kUnauthenticated, "token expired; log in again");
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kSessionCacheMax) cache_.clear();
  cache_[hash] = session;
  return session;
}

Status AuthService::logout(std::string_view token) {
  auto hash = token_hash(token);
  {
    std::lock_guard lock(mutex_);
    cache_.erase(hash);
  }
  auto removed = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    auto deleted = c.execute("DELETE FROM sessions WHERE token_hash = $1", {hash});
    if (!deleted) return std::unexpected(deleted.error());
    return true;
  });
  if (!removed) return std::unexpected(removed.error());
  return {};
}

}  // namespace ektp::registry
