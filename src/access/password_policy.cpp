#include "access/password_policy.h"

#include <algorithm>
#include <array>
#include <string>

#include <fmt/format.h>

#include "core/limits.h"

namespace ektp::access {

namespace {

// Common passwords of 12 or more characters (shorter ones fail the length rule anyway), lower
// case. Compiled by hand from the top of the public breach-derived lists (SecLists
// Passwords/Common-Credentials, e.g. 10-million-password-list-top-100000.txt, entries of 12+
// characters) and the Indonesian words and dates such lists are full of. A short list by design:
// it catches the first guesses of an online attack; the throttle handles the rest.
constexpr std::array<std::string_view, 71> kCommon = {
    "000000000000", "111111111111", "123123123123", "123321123321", "123456123456", "123456654321",
    "123456789000", "123456789012", "1234567890123", "12345678901234", "123456789123", "123456789abc",
    "123456789qwe", "123qweasdzxc", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv",
    "aaaaaaaaaaaa", "abc123456789", "abcdefghijkl", "abcd12345678", "administrator", "administrator1",
    "adminadmin123", "asdfghjkl123", "changeme1234", "iloveyou1234", "iloveyou12345",
    "letmein12345", "password1234", "password12345", "password123456", "passwordpassword", "p@ssw0rd1234",
    "qazwsxedcrfv", "qwerty123456", "qwertyqwerty", "qwertyuiop12", "qwertyuiop123", "qwertyuiopasdf",
    "qwertyuiopasdfghjkl", "trustno1trustno1", "welcome12345", "welcome123456", "zaq12wsxcde3",
    "zxcvbnm12345", "zxcvbnmasdfghjkl",
    // Indonesian
    "123456789indonesia", "bismillah123", "bismillah1234", "bismillah12345", "bismillahirrahmanirrahim",
    "garuda123456", "indonesia123", "indonesia1234", "indonesia1945", "indonesiaraya", "jakarta12345",
    "katasandi123", "katasandi1234", "kata-sandi-123", "merdeka17081945", "merdeka17agustus", "rahasia12345",
    "rahasia123456", "sayangkamu123", "sayangkamu1234", "selamatdatang", "selamatpagi123", "pancasila1945",
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::ranges::count_if(text, [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

Status check_password_policy(std::string_view password, std::string_view username) {
  const std::size_t characters = code_points(password);
  if (characters < kPasswordCharactersMin || characters > kPasswordCharactersMax ||
      password.size() > limits::password_bytes_max) {
    return refusal(ErrorCode::kInvalidArgument, std::string(password_reason::kLength),
                   fmt::format("password: must be {} to {} characters", kPasswordCharactersMin,
                               kPasswordCharactersMax));
  }
  const std::string folded = lower(password);
  if (std::ranges::find(kCommon, std::string_view(folded)) != kCommon.end()) {
    return refusal(ErrorCode::kInvalidArgument, std::string(password_reason::kCommon),
                   "password: too common; choose a longer phrase of your own");
  }
  if (!username.empty() && folded.find(lower(username)) != std::string::npos) {
    return refusal(ErrorCode::kInvalidArgument, std::string(password_reason::kHasUsername),
                   "password: must not contain the username");
  }
  return {};
}

}  // namespace ektp::access
