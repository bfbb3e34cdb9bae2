// Residents' sign-in (resident/resident_sign_in.h).
#include "resident/resident_sign_in.h"

#include <fmt/format.h>

#include <optional>

#include "access/audit_log.h"
#include "core/civil_date.h"
#include "resident/resident_limits.h"
#include "resident/resident_pins.h"

namespace ektp::resident {
namespace {

struct Known {
  std::optional<StoredPin> pin;
  std::string birth_date;  // "" when the register has no such person
};

Result<Known> look_up(store::Database& db, const std::string& nik) {
  return store::with_read_transaction<Known>(db, [&](store::Connection& c) -> Result<Known> {
    Known known;
    EKTP_ASSIGN_OR_RETURN(known.pin, stored_pin(c, nik));
    EKTP_ASSIGN_OR_RETURN(auto person, c.execute("SELECT birth_date FROM persons WHERE nik = $1", {nik}));
    if (!person.rows.empty()) known.birth_date = person.rows.front().text(0);
    return known;
  });
}

// Records the attempt's effect on the PIN, its session when accepted, and its audit entries, in
// one transaction. `right`: the birth date and the PIN were both right.
Result<SignIn> record_attempt(store::Database& db, const SignInAttempt& attempt, const std::string& nik,
                              const std::optional<StoredPin>& seen, bool right) {
  const std::string client = fmt::format("client {}", attempt.client_address);
  const std::string resident_actor = std::string(kResidentActorPrefix) + nik;
  return store::with_write_transaction<SignIn>(db, [&](store::Connection& c) -> Result<SignIn> {
    SignIn out;
    EKTP_ASSIGN_OR_RETURN(const auto pin, seen ? stored_pin(c, nik) : Result<std::optional<StoredPin>>());
    // No PIN, or one issued anew since it was read (this attempt was against the old one).
    if (!pin || pin->hash != seen->hash) {
      EKTP_RETURN_IF_ERROR(access::append_audit(c, {attempt.at_ms, "public", "resident.login_failed", nik, client}));
      return out;
    }
    if (pin->failures >= resident_limits::pin_failures_max) {
      out.outcome = SignInOutcome::kLocked;
      out.failures = pin->failures;
      EKTP_RETURN_IF_ERROR(access::append_audit(
          c, {attempt.at_ms, "public", "resident.login_locked", nik, client + "; the PIN is locked"}));
      return out;
    }
    if (right) {
      EKTP_RETURN_IF_ERROR(c.execute("UPDATE resident_pins SET failed_attempts = 0, last_login_at_ms = $2 WHERE nik = $1",
                                     {nik, attempt.at_ms}));
      EKTP_ASSIGN_OR_RETURN(out.opened, open_session(c, nik, attempt.at_ms));
      out.outcome = SignInOutcome::kAccepted;
      EKTP_RETURN_IF_ERROR(access::append_audit(
          c, {attempt.at_ms, resident_actor, "resident.login", nik, fmt::format("{}; session {}", client, out.opened.session.id)}));
      return out;
    }
    out.failures = pin->failures + 1;
    EKTP_RETURN_IF_ERROR(c.execute("UPDATE resident_pins SET failed_attempts = $2 WHERE nik = $1",
                                   {nik, std::int64_t{out.failures}}));
    EKTP_RETURN_IF_ERROR(access::append_audit(
        c, {attempt.at_ms, "public", "resident.login_failed", nik,
            fmt::format("{}; wrong attempt {} of {}", client, out.failures, resident_limits::pin_failures_max)}));
    if (out.failures >= resident_limits::pin_failures_max) {
      out.outcome = SignInOutcome::kLocked;
      EKTP_RETURN_IF_ERROR(access::append_audit(
          c, {attempt.at_ms, "public", "resident.pin_locked", nik, client + "; a new PIN is issued at the office"}));
    }
    return out;
  });
}

}  // namespace

Result<SignIn> sign_in(store::Database& db, access::HashGate& gate, const SignInAttempt& attempt) {
  EKTP_RETURN_IF_ERROR(validate_nik_digits(attempt.nik));
  if (attempt.birth_date.size() != 10 || !parse_civil_date(attempt.birth_date)) {
    return invalid_argument("birth_date: a date YYYY-MM-DD");
  }
  EKTP_RETURN_IF_ERROR(validate_pin_format(attempt.pin));
  const std::string nik(attempt.nik);
  EKTP_ASSIGN_OR_RETURN(const Known known, look_up(db, nik));
  bool matches = false;
  {
    auto pass = gate.enter();
    if (!pass) return make_error(ErrorCode::kUnavailable, "sign-ins are busy; retry in a few seconds");
    // The same argon2id cost for a NIK without a PIN, or unknown: time tells nothing.
    matches = pin_matches(known.pin ? known.pin->hash : dummy_pin_hash(), attempt.pin) && known.pin.has_value();
  }
  const bool right = matches && !known.birth_date.empty() && known.birth_date == attempt.birth_date;
  return record_attempt(db, attempt, nik, known.pin, right);
}

}  // namespace ektp::resident
