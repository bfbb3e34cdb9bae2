// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, six
// digits, the parameters every authenticator app (Google Authenticator, FreeOTP, Aegis) uses.
// Pure computation; the secrets and the last step used live in access/totp_store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::access {

inline constexpr int kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226's recommendation
// Steps accepted either side of now: a phone clock up to 30 s off still signs in.
inline constexpr int kTotpDriftSteps = 1;

using TotpSecret = std::vector<unsigned char>;

// Error::reason of second-factor refusals (the web catalogue says them in Indonesian).
namespace totp_reason {
inline constexpr std::string_view kRequired = "totp_required";              // password right, code missing
inline constexpr std::string_view kWrong = "totp_wrong";                    // wrong, expired or replayed code
inline constexpr std::string_view kAlreadyEnrolled = "totp_already_enrolled";
inline constexpr std::string_view kNotStarted = "totp_not_started";
inline constexpr std::string_view kUnavailable = "totp_unavailable";        // this server holds no secret key
inline constexpr std::string_view kPasswordWrong = "password_wrong";        // enrolment's password check
inline constexpr std::string_view kEnrolmentRequired = "totp_enrolment_required";  // a pending session's refusal
}  // namespace totp_reason

// RFC 4648 base32 without padding, upper case: how apps take a secret typed in by hand.
std::string base32_encode(const TotpSecret& bytes);
// Accepts upper or lower case, spaces and '=' padding; kInvalidArgument for anything else.
Result<TotpSecret> base32_decode(std::string_view text);

// The step a Unix time (seconds) falls in.
std::int64_t totp_step(std::int64_t unix_seconds);
// The six-digit code of one step (HOTP with the step as counter), zero-padded.
std::string totp_code(const TotpSecret& secret, std::int64_t step);

// The step whose code `code` is, within kTotpDriftSteps of `now_step` and after `last_used_step`
// (a code is good once: a replay within its 90 s is refused); nullopt when none matches. `code`
// must be exactly six ASCII digits (check_totp_code_format), compared in constant time.
std::optional<std::int64_t> match_totp(const TotpSecret& secret, std::string_view code, std::int64_t now_step,
                                       std::int64_t last_used_step);
// kInvalidArgument unless `code` is six ASCII digits.
Status check_totp_code_format(std::string_view code);

// The otpauth:// URI an authenticator app reads from a QR code (Key Uri Format): issuer "ektp"
// and the account name, both percent-encoded.
std::string totp_uri(std::string_view issuer, std::string_view account, const TotpSecret& secret);

// A fresh random secret of kTotpSecretBytes (libsodium's randombytes).
TotpSecret new_totp_secret();

}  // namespace ektp::access
