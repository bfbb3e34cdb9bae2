// The key that seals TOTP secrets in the database (XChaCha20-Poly1305, the username as associated
// data, so a sealed secret moved to another account does not open). The key lives in a 0600 file
// outside the database (by default `totp.key` in the audit anchor's folder), so a copy of the
// database alone yields no second factor.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "access/totp.h"
#include "core/error.h"

namespace ektp::access {

class TotpSecretKey {
 public:
  static constexpr std::size_t kBytes = 32;
  // Reads the key file; with `create`, writes a new random key when it is missing.
  // kDataLoss for a file that is not a key.
  static Result<TotpSecretKey> open(const std::filesystem::path& path, bool create);
  // A key held only in memory (tests, and a server without secret storage).
  static TotpSecretKey random();

  // nonce || ciphertext as hex.
  std::string seal(std::string_view username, const TotpSecret& secret) const;
  // kDataLoss when the box was not sealed by this key for this username.
  Result<TotpSecret> open_box(std::string_view username, std::string_view sealed_hex) const;

 private:
  TotpSecretKey() = default;
  std::array<unsigned char, kBytes> key_{};
};

// Where a server keeps the key by default: beside the audit chain's signing key.
inline std::filesystem::path default_totp_key_path(const std::filesystem::path& anchor_dir) {
  return anchor_dir / "totp.key";
}

}  // namespace ektp::access
