#include "card/base45.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/assert.h"

namespace ektp::card {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
static_assert(kAlphabet.size() == 45);

// The value of each byte as a Base45 digit, or -1.
constexpr std::array<int, 256> digit_table() {
  std::array<int, 256> table{};
  for (int& d : table) d = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  return table;
}
constexpr std::array<int, 256> kDigits = digit_table();

// 'a' as itself, anything unprintable as \xNN, so a reason never carries raw control bytes.
std::string shown(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string(1, c);
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02X", u);
  return buffer;
}

}  // namespace

std::string base45_encode(std::span<const std::uint8_t> bytes) {
  std::string text;
  text.reserve(bytes.size() / 2 * 3 + 2);
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    unsigned n = bytes[i] * 256u + bytes[i + 1];
    for (int k = 0; k < 3; ++k, n /= 45) text.push_back(kAlphabet[n % 45]);
  }
  if (i < bytes.size()) {
    const unsigned n = bytes[i];
    text.push_back(kAlphabet[n % 45]);
    text.push_back(kAlphabet[n / 45]);
  }
  EKTP_ASSERT(text.size() == bytes.size() / 2 * 3 + (bytes.size() % 2) * 2);
  return text;
}

Result<std::vector<std::uint8_t>> base45_decode(std::string_view text) {
  // Alphabet first, over the whole text, so the reason names the first bad character even when
  // the length is also wrong (a lower-case letter is the commonest damage from a scanner).
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (kDigits[static_cast<unsigned char>(text[i])] < 0) {
      return refusal(ErrorCode::kInvalidArgument, "base45",
                     "base45: character " + std::to_string(i + 1) + " ('" + shown(text[i]) +
                         "') is not in the alphabet");
    }
  }
  if (text.size() % 3 == 1) {
    return refusal(
        ErrorCode::kInvalidArgument, "base45",
        "base45: " + std::to_string(text.size()) +
            " characters leave 1 over; a text is groups of 3 with at most one group of 2");
  }
  std::vector<std::uint8_t> bytes;
  bytes.reserve(text.size() / 3 * 2 + 1);
  for (std::size_t i = 0; i < text.size(); i += 3) {
    const std::size_t group = std::min<std::size_t>(3, text.size() - i);
    unsigned n = 0;
    for (std::size_t k = group; k-- > 0;)
      n = n * 45 + static_cast<unsigned>(kDigits[static_cast<unsigned char>(text[i + k])]);
    const unsigned limit = group == 3 ? 0xFFFF : 0xFF;
    if (n > limit) {
      return refusal(ErrorCode::kInvalidArgument, "base45",
                     "base45: characters " + std::to_string(i + 1) + "–" +
                         std::to_string(i + group) + " (\"" + std::string(text.substr(i, group)) +
                         "\") are " + std::to_string(n) + ", past " +
                         (group == 3 ? "two bytes" : "one byte"));
    }
    if (group == 3) bytes.push_back(static_cast<std::uint8_t>(n >> 8));
    bytes.push_back(static_cast<std::uint8_t>(n & 0xFF));
  }
  return bytes;
}

}  // namespace ektp::card
