// Where the PKCS#11 token user PIN comes from: never a command line (it would show in ps and in
// shell history), but a file only its owner may read, or the environment variable EKTP_TOKEN_PIN.
// Thread-safety: reads the environment; do not call while another thread changes it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/error.h"

namespace ektp::card {

// The token user PIN, never from a command line: from `pin_file` when given — a regular file
// owned by the current user that neither group nor others may read or write (mode 0600 or 0400),
// its final newline trimmed — otherwise from the environment variable EKTP_TOKEN_PIN.
// kFailedPrecondition (reason pin_file_permissions / pin_file_owner) for a file that is too open
// or someone else's; kNotFound when there is no file and no variable; kInvalidArgument when empty.
Result<std::string> read_token_pin(const std::optional<std::filesystem::path>& pin_file);

}  // namespace ektp::card
