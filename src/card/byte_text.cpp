#include "card/byte_text.h"

#include <sodium.h>

#include "core/assert.h"

namespace ektp::card {

std::string hex_of(std::span<const std::uint8_t> bytes) {
  std::string text(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(text.data(), text.size(), bytes.data(), bytes.size());
  text.pop_back();  // the terminating NUL
  return text;
}

Result<std::vector<std::uint8_t>> bytes_of_hex(std::string_view text, std::size_t bytes_expected) {
  if (text.size() != bytes_expected * 2) {
    return invalid_argument("hex: " + std::to_string(text.size()) + " characters, not " +
                            std::to_string(bytes_expected * 2));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return invalid_argument("hex: character " + std::to_string(i + 1) + " is not 0-9 or a-f");
    }
  }
  std::vector<std::uint8_t> bytes(bytes_expected);
  std::size_t written = 0;
  const int rc = sodium_hex2bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr,
                                &written, nullptr);
  EKTP_ASSERT(rc == 0 && written == bytes_expected);  // checked above
  return bytes;
}

std::string base64url_of(std::span<const std::uint8_t> bytes) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string text(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), variant);
  text.pop_back();  // the terminating NUL
  return text;
}

Result<std::vector<std::uint8_t>> bytes_of_base64url(std::string_view text,
                                                     std::size_t bytes_expected) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::vector<std::uint8_t> bytes(bytes_expected);
  std::size_t written = 0;
  const char* end = nullptr;
  const int rc = sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr,
                                   &written, &end, variant);
  if (rc != 0 || end != text.data() + text.size() || written != bytes_expected) {
    return invalid_argument("base64url: not " + std::to_string(bytes_expected) +
                            " bytes of unpadded base64url");
  }
  // Spare bits set in the last character would be a second spelling of the same bytes, and one
  // signed value must have one text; whatever a libsodium version does with them, they are refused.
  if (base64url_of(bytes) != text) return invalid_argument("base64url: not in canonical form");
  return bytes;
}

}  // namespace ektp::card
