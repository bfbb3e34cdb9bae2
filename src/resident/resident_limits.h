// The limits and the stable refusal reasons of the resident's own page (resident/*.h). One place,
// so that the routes, the tests and docs/api.md name the same numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ektp::resident {

// Stable reasons (Error::reason) of this module's refusals; web/js/api.js says each in Indonesian.
namespace resident_reason {
// A wrong NIK, a wrong birth date and a wrong PIN alike: nothing tells which was wrong.
inline constexpr std::string_view kLoginFailed = "resident_login_failed";
// Too many wrong attempts: the PIN works again only once the office issues a new one.
inline constexpr std::string_view kPinLocked = "resident_pin_locked";
inline constexpr std::string_view kSessionInvalid = "resident_session_invalid";
// A report of an audit entry that is not a read of this resident's data.
inline constexpr std::string_view kReadNotYours = "resident_read_not_yours";
inline constexpr std::string_view kReadReported = "resident_read_reported";
inline constexpr std::string_view kReportUnknown = "resident_report_unknown";
inline constexpr std::string_view kReportResolved = "resident_report_resolved";
}  // namespace resident_reason

namespace resident_limits {
inline constexpr std::size_t pin_digits_min = 6;
inline constexpr std::size_t pin_digits_max = 8;
inline constexpr std::size_t pin_digits_issued = 8;  // 10^8 PINs against 5 tries
inline constexpr std::int32_t pin_failures_max = 5;  // then locked until reissued
inline constexpr std::int64_t session_lifetime_ms = 15 * 60'000;
inline constexpr std::size_t session_token_hex_digits = 64;  // 32 random bytes
inline constexpr std::size_t reads_page_default = 50;
inline constexpr std::size_t reads_page_max = 100;
inline constexpr std::size_t chips_per_resident_max = 20;  // chip serials whose reads are theirs
inline constexpr std::size_t note_chars_max = 500;  // characters (UTF-8 code points)
inline constexpr std::size_t resolution_chars_max = 500;
inline constexpr std::size_t reports_listed_max = 200;
inline constexpr std::size_t agreements_listed_max = 200;
static_assert(pin_digits_min <= pin_digits_issued && pin_digits_issued <= pin_digits_max);
static_assert(reads_page_default <= reads_page_max);
}  // namespace resident_limits

// The actor the audit log records for what a signed-in resident does ("resident:3327…"); these
// entries are the resident's own and never listed back to them as reads.
inline constexpr std::string_view kResidentActorPrefix = "resident:";

}  // namespace ektp::resident
