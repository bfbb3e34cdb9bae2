// SHA-256 as lower-case hex: the audit chain, token hashes and request fingerprints.
#pragma once

#include <string>
#include <string_view>

namespace ektp::access {

std::string sha256_hex(std::string_view data);

}  // namespace ektp::access
