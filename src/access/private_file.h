// Small files beside the database: secret ones (signing keys, the key of TOTP secrets) written
// once, mode 0600 whatever the umask, fsync'd; files replaced whole (a chip's state, a published
// certificate or signed list) by a temporary file renamed over the old one; read back with a size
// limit.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ektp::access {

// Writes `content` to a new file of mode 0600; kUnavailable when it cannot (also when the file
// is already there: it is never overwritten).
Status write_new_private_file(const std::filesystem::path& path, std::string_view content);
// Replaces `path` with `content` at once: written to PATH.tmp of `mode` (whatever the umask),
// fsync'd, renamed over `path`. A reader sees the old file or the new one, never half of one;
// kUnavailable (the old file untouched, the temporary removed) when it cannot.
Status replace_file(const std::filesystem::path& path, std::string_view content, unsigned mode);
// The file's content without trailing line ends; kNotFound when it cannot be read, kDataLoss
// when it is larger than `bytes_max`.
Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t bytes_max);

}  // namespace ektp::access
