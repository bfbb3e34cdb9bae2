// An enrollment as it travels in an outbox item: JSON with the images in base64 and every
// checksum, so central can check each byte it stores. Decoding is strict (limits, field names).
#pragma once

#include <string>
#include <string_view>

#include "registry/enrollment_store.h"

namespace ektp::sync {

inline constexpr std::string_view kEnrollmentKind = "enrollment";

std::string enrollment_to_payload(const registry::Enrollment& enrollment);
// kInvalidArgument naming the field; kDataLoss for a checksum that does not match.
Result<registry::Enrollment> enrollment_from_payload(std::string_view payload);

std::string base64_encode(const std::vector<std::uint8_t>& bytes);
// kInvalidArgument for text that is not base64 or decodes past `bytes_max`.
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text, std::size_t bytes_max, std::string_view what);

}  // namespace ektp::sync
