// Residents' sessions (resident/resident_sessions.h).
#include "resident/resident_sessions.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>

#include "access/audit_log.h"
#include "access/sha256.h"
#include "resident/resident_limits.h"

namespace ektp::resident {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kSessionIdHexDigits = 12;
static_assert(2 * kTokenBytes == resident_limits::session_token_hex_digits);

Error session_invalid(std::string message) {
  return Error{ErrorCode::kUnauthenticated, std::move(message), std::string(resident_reason::kSessionInvalid)};
}

bool well_formed(std::string_view token) {
  return token.size() == resident_limits::session_token_hex_digits &&
         std::ranges::all_of(token, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Result<OpenedSession> open_session(store::Connection& db, std::string_view nik, std::int64_t now_ms) {
  if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "libsodium failed to initialise");
  unsigned char random[kTokenBytes];
  randombytes_buf(random, sizeof random);
  char hex[2 * kTokenBytes + 1];
  sodium_bin2hex(hex, sizeof hex, random, sizeof random);
  sodium_memzero(random, sizeof random);
  OpenedSession opened{hex, {std::string(nik), now_ms + resident_limits::session_lifetime_ms, ""}};
  sodium_memzero(hex, sizeof hex);
  const std::string hash = access::sha256_hex(opened.token);
  opened.session.id = hash.substr(0, kSessionIdHexDigits);
  EKTP_RETURN_IF_ERROR(db.execute("DELETE FROM resident_sessions WHERE expires_at_ms <= $1", {now_ms}));
  EKTP_RETURN_IF_ERROR(db.execute("INSERT INTO resident_sessions (token_hash, nik, created_at_ms, expires_at_ms) "
                                  "VALUES ($1, $2, $3, $4)",
                                  {hash, opened.session.nik, now_ms, opened.session.expires_at_ms}));
  return opened;
}

Result<ResidentSession> authenticate_session(store::Database& db, std::string_view token, std::int64_t now_ms) {
  if (!well_formed(token)) return std::unexpected(session_invalid("the resident token is not valid"));
  const std::string hash = access::sha256_hex(token);
  EKTP_ASSIGN_OR_RETURN(auto rows, store::with_single_read<store::QueryResult>(db, [&](store::Connection& c) {
                          return c.execute("SELECT nik, expires_at_ms FROM resident_sessions WHERE token_hash = $1",
                                           {hash});
                        }));
  if (rows.rows.empty()) return std::unexpected(session_invalid("the resident token is not valid; sign in again"));
  const auto& row = rows.rows.front();
  if (row.integer(1) <= now_ms) return std::unexpected(session_invalid("the resident session has expired; sign in again"));
  return ResidentSession{row.text(0), row.integer(1), hash.substr(0, kSessionIdHexDigits)};
}

Status close_session(store::Database& db, std::string_view token, std::int64_t now_ms) {
  EKTP_ASSIGN_OR_RETURN(const ResidentSession session, authenticate_session(db, token, now_ms));
  const std::string hash = access::sha256_hex(token);
  return store::with_write_transaction<void>(db, [&](store::Connection& c) -> Status {
    EKTP_ASSIGN_OR_RETURN(auto deleted, c.execute("DELETE FROM resident_sessions WHERE token_hash = $1", {hash}));
    if (deleted.rows_affected == 0) return std::unexpected(session_invalid("the resident session has ended already"));
    return access::append_audit(c, {now_ms, std::string(kResidentActorPrefix) + session.nik, "resident.logout",
                                    session.nik, fmt::format("session {}", session.id)});
  });
}

}  // namespace ektp::resident
