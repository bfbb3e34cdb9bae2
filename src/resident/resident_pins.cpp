// Resident PINs: issue, store as a hash, check (resident/resident_pins.h).
#include "resident/resident_pins.h"

#include <fmt/format.h>
#include <sodium.h>

#include "access/audit_log.h"
#include "resident/resident_limits.h"

namespace ektp::resident {
namespace {

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// The same parameters as staff passwords (access/auth_service.cpp): a stolen database costs an
// attacker one argon2id run per guess, per PIN, each with its own salt.
Result<std::string> hash_pin(std::string_view pin) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(ErrorCode::kResourceExhausted, "PIN hashing ran out of memory");
  }
  return std::string(out);
}

std::string random_pin() {
  std::string pin;
  pin.reserve(resident_limits::pin_digits_issued);
  for (std::size_t i = 0; i < resident_limits::pin_digits_issued; ++i) {
    pin.push_back(static_cast<char>('0' + randombytes_uniform(10)));
  }
  return pin;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Status validate_nik_digits(std::string_view nik) {
  if (nik.size() != 16 || !all_digits(nik)) return invalid_argument("nik: must have 16 digits");
  return {};
}

Status validate_pin_format(std::string_view pin) {
  if (pin.size() < resident_limits::pin_digits_min || pin.size() > resident_limits::pin_digits_max ||
      !all_digits(pin)) {
    return invalid_argument(fmt::format("pin: {} to {} digits", resident_limits::pin_digits_min,
                                        resident_limits::pin_digits_max));
  }
  return {};
}

const std::string& dummy_pin_hash() {
  static const std::string hash = [] {
    if (!sodium_ready()) return std::string();
    auto hashed = hash_pin(random_pin() + "x");  // never a PIN: PINs are digits only
    return hashed ? *hashed : std::string();
  }();
  return hash;
}

bool pin_matches(const std::string& hash, std::string_view pin) {
  if (hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

Result<std::optional<StoredPin>> stored_pin(store::Connection& db, std::string_view nik) {
  EKTP_ASSIGN_OR_RETURN(auto rows, db.execute("SELECT pin_hash, failed_attempts, issued_at_ms FROM resident_pins "
                                              "WHERE nik = $1",
                                              {std::string(nik)}));
  if (rows.rows.empty()) return std::optional<StoredPin>();
  const auto& row = rows.rows.front();
  return std::optional<StoredPin>(StoredPin{row.text(0), static_cast<std::int32_t>(row.integer(1)), row.integer(2)});
}

Result<IssuedPin> issue_pin(store::Database& db, access::HashGate& gate, std::string_view nik, const PinIssue& by) {
  EKTP_RETURN_IF_ERROR(validate_nik_digits(nik));
  if (by.issued_by.empty()) return invalid_argument("issued_by: who issues the PIN");
  if (!sodium_ready()) return make_error(ErrorCode::kInternal, "libsodium failed to initialise");
  IssuedPin issued{std::string(nik), random_pin(), by.at_ms};
  std::string hash;
  {
    auto pass = gate.enter();
    if (!pass) return make_error(ErrorCode::kUnavailable, "PIN hashing is busy; retry in a few seconds");
    EKTP_ASSIGN_OR_RETURN(hash, hash_pin(issued.pin));
  }
  EKTP_RETURN_IF_ERROR(store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    EKTP_ASSIGN_OR_RETURN(auto person, c.execute("SELECT 1 FROM persons WHERE nik = $1", {issued.nik}));
    if (person.rows.empty()) return not_found(fmt::format("no resident with NIK {}", issued.nik));
    EKTP_RETURN_IF_ERROR(c.execute("DELETE FROM resident_pins WHERE nik = $1", {issued.nik}));
    EKTP_RETURN_IF_ERROR(c.execute("INSERT INTO resident_pins (nik, pin_hash, failed_attempts, issued_by, issued_at_ms) "
                                   "VALUES ($1, $2, 0, $3, $4)",
                                   {issued.nik, hash, by.issued_by, by.at_ms}));
    // Whoever signed in with the old PIN is out.
    EKTP_RETURN_IF_ERROR(c.execute("DELETE FROM resident_sessions WHERE nik = $1", {issued.nik}));
    EKTP_RETURN_IF_ERROR(access::append_audit(c, {by.at_ms, by.issued_by, "resident_pin.issue", issued.nik,
                                                  "a new PIN replaces any earlier one"}));
    return true;
  }));
  return issued;
}

}  // namespace ektp::resident
