// A resident's session on their own page: a random token (32 bytes, hex) whose SHA-256 alone is
// stored, valid resident_limits::session_lifetime_ms (15 minutes) from sign-in, not extended by
// use, and gone at logout or when the office issues a new PIN. Sent as
// `Authorization: Resident <token>`. Thread-safety: free functions over a Database.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/database.h"

namespace ektp::resident {

struct ResidentSession {
  std::string nik;
  std::int64_t expires_at_ms = 0;
  std::string id;  // the first 12 hex digits of the token's SHA-256: names it in the audit log
};

struct OpenedSession {
  std::string token;  // given to the resident once
  ResidentSession session;
};

// Creates a session for `nik` within the caller's write transaction (and drops expired ones).
Result<OpenedSession> open_session(store::Connection& db, std::string_view nik, std::int64_t now_ms);

// kUnauthenticated (reason resident_session_invalid) for a malformed, unknown, ended or expired
// token.
Result<ResidentSession> authenticate_session(store::Database& db, std::string_view token, std::int64_t now_ms);

// Ends the session of `token` and audits "resident.logout" in the same transaction.
// kUnauthenticated (resident_session_invalid) when it is not a live session.
Status close_session(store::Database& db, std::string_view token, std::int64_t now_ms);

}  // namespace ektp::resident
