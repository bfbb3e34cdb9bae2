#include "access/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>

#include <fmt/format.h>

namespace ektp::access {

namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32_value(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

std::string base32_encode(const TotpSecret& bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kBase32Alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

Result<TotpSecret> base32_decode(std::string_view text) {
  TotpSecret out;
  std::uint32_t buffer = 0;
  int bits = 0;
  bool padding = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int value = base32_value(c);
    if (value < 0 || padding) {
      return invalid_argument(fmt::format("base32 character {}: '{}' is not in A-Z, 2-7", i + 1, c));
    }
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<unsigned char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::int64_t totp_step(std::int64_t unix_seconds) {
  // Floor division, so that times before 1970 (never seen, but well-defined) do not round up.
  return unix_seconds >= 0 ? unix_seconds / kTotpStepSeconds : -((-unix_seconds + kTotpStepSeconds - 1) / kTotpStepSeconds);
}

std::string totp_code(const TotpSecret& secret, std::int64_t step) {
  std::array<unsigned char, 8> counter{};
  auto value = static_cast<std::uint64_t>(step);
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<std::size_t>(i)] = static_cast<unsigned char>(value & 0xff);
    value >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter.data(), counter.size(), mac.data(),
       &mac_size);
  // RFC 4226 §5.3 dynamic truncation.
  const unsigned offset = mac[mac_size - 1] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  return fmt::format("{:06}", binary % 1'000'000);
}

Status check_totp_code_format(std::string_view code) {
  if (code.size() != static_cast<std::size_t>(kTotpDigits)) {
    return invalid_argument(fmt::format("totp: must be {} digits", kTotpDigits));
  }
  for (char c : code) {
    if (c < '0' || c > '9') return invalid_argument(fmt::format("totp: must be {} digits", kTotpDigits));
  }
  return {};
}

std::optional<std::int64_t> match_totp(const TotpSecret& secret, std::string_view code, std::int64_t now_step,
                                       std::int64_t last_used_step) {
  if (!check_totp_code_format(code)) return std::nullopt;
  std::optional<std::int64_t> matched;
  // Every candidate is computed and compared, so the time taken says nothing about which matched.
  for (std::int64_t step = now_step - kTotpDriftSteps; step <= now_step + kTotpDriftSteps; ++step) {
    const std::string expected = totp_code(secret, step);
    const bool same = sodium_memcmp(expected.data(), code.data(), expected.size()) == 0;
    if (same && step > last_used_step && !matched) matched = step;
  }
  return matched;
}

std::string totp_uri(std::string_view issuer, std::string_view account, const TotpSecret& secret) {
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={}&period={}",
                     percent_encode(issuer), percent_encode(account), base32_encode(secret), percent_encode(issuer),
                     kTotpDigits, kTotpStepSeconds);
}

TotpSecret new_totp_secret() {
  if (sodium_init() < 0) return {};
  TotpSecret secret(kTotpSecretBytes);
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

}  // namespace ektp::access
