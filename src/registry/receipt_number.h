// The receipt number (nomor tanda terima) printed on an enrollment receipt: the secret a resident
// gives, with the NIK, to follow the enrollment on the public status page. The NIK itself holds
// the birth date and region, so it cannot be the secret. Ten characters from an alphabet without
// look-alikes (no 0/O, 1/I/L), about 49 bits from the system CSPRNG, printed as `7KQ4-M9XD-2P`.
//
// Central stores only a keyed digest: HMAC-SHA256 under a random server key kept in its own table
// (receipt_keys), never next to the digests in a dump of enrollments. 49 bits hashed without a
// key (even salted) can be searched offline in days; under an unknown 256-bit key they cannot.
// A slow hash (argon2) was not chosen: it would put seconds of CPU per guess on an
// unauthenticated route, which is the cost the throttle exists to avoid.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/database.h"

namespace ektp::registry {

inline constexpr std::size_t kReceiptNumberChars = 10;

// A new receipt number, grouped for print ("7KQ4-M9XD-2P").
std::string generate_receipt_number();

// The canonical form of what a person typed: upper case, without dashes or spaces; nullopt when
// it cannot be a receipt number (wrong length or characters).
std::optional<std::string> normalize_receipt_number(std::string_view typed);

// Lower-case hex HMAC-SHA256 of the canonical receipt number under `key` (32 bytes).
std::string receipt_digest(std::string_view key, std::string_view canonical);

// Constant-time equality of two digests of the same length (false for different lengths).
bool digests_equal(std::string_view a, std::string_view b);

// Central's receipt key: created once (inside the caller's write transaction) when missing.
Result<std::string> receipt_key_for_write(store::Connection& db);
// The key when it exists (nullopt before the first enrollment with a receipt was received).
Result<std::optional<std::string>> receipt_key(store::Connection& db);

}  // namespace ektp::registry
