#include "registry/receipt_number.h"

#include <array>
#include <cctype>

#include <sodium.h>

namespace ektp::registry {

namespace {

constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";  // 31 characters

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  std::size_t length = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr,
                     &length, nullptr) != 0 ||
      length != crypto_auth_hmacsha256_KEYBYTES) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace

std::string generate_receipt_number() {
  (void)sodium_ready();
  std::string canonical;
  for (std::size_t i = 0; i < kReceiptNumberChars; ++i) {
    canonical.push_back(kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))]);
  }
  return canonical.substr(0, 4) + "-" + canonical.substr(4, 4) + "-" + canonical.substr(8);
}

std::optional<std::string> normalize_receipt_number(std::string_view typed) {
  if (typed.size() > 32) return std::nullopt;
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    char up = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (kAlphabet.find(up) == std::string_view::npos) return std::nullopt;
    out.push_back(up);
  }
  if (out.size() != kReceiptNumberChars) return std::nullopt;
  return out;
}

std::string receipt_digest(std::string_view key, std::string_view canonical) {
  (void)sodium_ready();
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return to_hex(mac.data(), mac.size());
}

bool digests_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::optional<std::string>> receipt_key(store::Connection& db) {
  auto rows = db.execute("SELECT key_hex FROM receipt_keys WHERE id = 1", {});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<std::string>();
  auto key = from_hex(rows->rows[0].text(0));
  if (!key) return make_error(ErrorCode::kDataLoss, "receipt_keys: the stored key is not 32 bytes of hex");
  return std::optional<std::string>(std::move(*key));
}

Result<std::string> receipt_key_for_write(store::Connection& db) {
  auto existing = receipt_key(db);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) return **existing;
  (void)sodium_ready();
  std::array<unsigned char, crypto_auth_hmacsha256_KEYBYTES> key{};
  randombytes_buf(key.data(), key.size());
  auto inserted = db.execute("INSERT INTO receipt_keys (id, key_hex) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
                             {to_hex(key.data(), key.size())});
  sodium_memzero(key.data(), key.size());
  if (!inserted) return std::unexpected(inserted.error());
  auto stored = receipt_key(db);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return make_error(ErrorCode::kInternal, "receipt_keys: no key after insert");
  return **stored;
}

}  // namespace ektp::registry
