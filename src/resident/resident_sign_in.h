// A resident signs in to their own page with their NIK, birth date and the PIN from the office.
// Every attempt costs one argon2id verification, whether the NIK exists or has a PIN or not, and
// is audited (never the PIN): "resident.login" by the resident, "resident.login_failed",
// "resident.pin_locked" and "resident.login_locked" by "public". A wrong birth date and a wrong
// PIN count alike against the NIK's PIN; at resident_limits::pin_failures_max the PIN is locked
// until the office issues a new one, and an attempt on a locked PIN is refused whatever it
// presents. The per-address and per-NIK throttle in front of this is the caller's
// (api/resident_routes.cpp). Thread-safety: a free function over a Database and a HashGate.
#pragma once

#include <cstdint>
#include <string_view>

#include "access/login_throttle.h"
#include "core/error.h"
#include "resident/resident_sessions.h"
#include "store/database.h"

namespace ektp::resident {

struct SignInAttempt {
  std::string_view nik;
  std::string_view birth_date;  // YYYY-MM-DD
  std::string_view pin;
  std::string_view client_address;  // audited with failures
  std::int64_t at_ms = 0;
};

enum class SignInOutcome { kAccepted, kRejected, kLocked };

struct SignIn {
  SignInOutcome outcome = SignInOutcome::kRejected;
  OpenedSession opened;        // when accepted
  std::int32_t failures = 0;   // the PIN's wrong attempts after this one (0 without a PIN)
};

// kInvalidArgument naming the field for a NIK that is not 16 digits, a birth date that is not a
// date, or a PIN that is not 6 to 8 digits (refused before any hashing, not counted, not
// audited); kUnavailable when the hashing gate stays busy. A wrong NIK, birth date or PIN is
// not an error: it is the outcome kRejected (or kLocked), the same for all three.
Result<SignIn> sign_in(store::Database& db, access::HashGate& gate, const SignInAttempt& attempt);

}  // namespace ektp::resident
