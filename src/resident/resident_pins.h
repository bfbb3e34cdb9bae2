// The PIN a resident is given at the office with their enrollment receipt, to sign in to the
// page that shows who read their data (no SMS is assumed). Random digits, shown once, stored only
// as an argon2id hash with its own salt (libsodium); issuing again replaces the old PIN, forgets
// its failures and ends the resident's sessions. Each PIN counts the wrong attempts made against
// it (resident/resident_sign_in.h locks it at resident_limits::pin_failures_max).
// Thread-safety: free functions over a Database; hashing passes a caller's HashGate, so that
// argon2 never runs on more threads than the gate lets in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "access/login_throttle.h"
#include "core/error.h"
#include "store/database.h"

namespace ektp::resident {

struct PinIssue {
  std::string issued_by;  // the officer's username (audited)
  std::int64_t at_ms = 0;
};

struct IssuedPin {
  std::string nik;
  std::string pin;  // resident_limits::pin_digits_issued digits, returned this once
  std::int64_t issued_at_ms = 0;
};

// 16 digits (kInvalidArgument "nik: …" otherwise); whether the NIK is valid is the caller's.
Status validate_nik_digits(std::string_view nik);
// 6 to 8 digits (kInvalidArgument "pin: …" otherwise).
Status validate_pin_format(std::string_view pin);

// Issues a new PIN for the resident `nik` (kNotFound when the register has no such person) and
// audits "resident_pin.issue" (actor: the officer, subject: the NIK) in the same transaction.
// kUnavailable when the hashing gate stays busy.
Result<IssuedPin> issue_pin(store::Database& db, access::HashGate& gate, std::string_view nik, const PinIssue& by);

// The stored PIN of `nik`, within the caller's transaction; nullopt when none was issued.
struct StoredPin {
  std::string hash;  // argon2id, libsodium's string form (parameters and salt included)
  std::int32_t failures = 0;
  std::int64_t issued_at_ms = 0;
};
Result<std::optional<StoredPin>> stored_pin(store::Connection& db, std::string_view nik);

// Whether `pin` is the one hashed in `hash`: one argon2id verification. For a NIK without a PIN
// pass dummy_pin_hash(), which costs the same and matches nothing.
bool pin_matches(const std::string& hash, std::string_view pin);
const std::string& dummy_pin_hash();

}  // namespace ektp::resident
