// The password policy (OWASP ASVS 4.0 level 2, V2.1): 12 to 128 characters (UTF-8 code points,
// and at most limits::password_bytes_max bytes), no composition rules, not one of a list of common
// passwords (case-insensitive), and not containing the username.
#pragma once

#include <string_view>

#include "core/error.h"

namespace ektp::access {

inline constexpr std::size_t kPasswordCharactersMin = 12;
inline constexpr std::size_t kPasswordCharactersMax = 128;

// The stable reasons of a refused password (Error::reason), which the web UI says in Indonesian.
namespace password_reason {
inline constexpr std::string_view kLength = "password_length";
inline constexpr std::string_view kCommon = "password_common";
inline constexpr std::string_view kHasUsername = "password_has_username";
}  // namespace password_reason

// kInvalidArgument naming the rule that failed (and its reason).
Status check_password_policy(std::string_view password, std::string_view username);

}  // namespace ektp::access
