#include "access/totp_secret_key.h"

#include <sodium.h>

#include <fmt/format.h>

#include "access/private_file.h"

namespace ektp::access {

namespace {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

bool from_hex(std::string_view hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2 != 0) return false;
  out.assign(hex.size() / 2, 0);
  std::size_t length = 0;
  return sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &length, nullptr) == 0 &&
         length == out.size();
}

}  // namespace

Result<TotpSecretKey> TotpSecretKey::open(const std::filesystem::path& path, bool create) {
  if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "libsodium cannot be initialised");
  std::error_code ec;
  if (create && !std::filesystem::exists(path, ec)) {
    TotpSecretKey fresh = random();
    EKTP_RETURN_IF_ERROR(write_new_private_file(path, to_hex(fresh.key_.data(), fresh.key_.size()) + "\n"));
  }
  EKTP_ASSIGN_OR_RETURN(auto hex, read_small_file(path, 128));
  std::vector<unsigned char> bytes;
  if (!from_hex(hex, bytes) || bytes.size() != kBytes) {
    return make_error(ErrorCode::kDataLoss, fmt::format("{}: not a TOTP secret key ({} hex digits)", path.string(),
                                                        kBytes * 2));
  }
  TotpSecretKey key;
  std::copy(bytes.begin(), bytes.end(), key.key_.begin());
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

TotpSecretKey TotpSecretKey::random() {
  TotpSecretKey key;
  if (sodium_init() >= 0) crypto_aead_xchacha20poly1305_ietf_keygen(key.key_.data());
  return key;
}

std::string TotpSecretKey::seal(std::string_view username, const TotpSecret& secret) const {
  std::vector<unsigned char> box(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + secret.size() +
                                 crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned char* nonce = box.data();
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long sealed = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      box.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &sealed, secret.data(), secret.size(),
      reinterpret_cast<const unsigned char*>(username.data()), username.size(), nullptr, nonce, key_.data());
  return to_hex(box.data(), box.size());
}

Result<TotpSecret> TotpSecretKey::open_box(std::string_view username, std::string_view sealed_hex) const {
  std::vector<unsigned char> box;
  constexpr std::size_t overhead = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (!from_hex(sealed_hex, box) || box.size() <= overhead) {
    return make_error(ErrorCode::kDataLoss, fmt::format("TOTP secret of '{}' is malformed", username));
  }
  TotpSecret secret(box.size() - overhead);
  unsigned long long opened = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          secret.data(), &opened, nullptr, box.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          box.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const unsigned char*>(username.data()), username.size(), box.data(), key_.data()) != 0) {
    return make_error(ErrorCode::kDataLoss,
                      fmt::format("TOTP secret of '{}' does not open with this server's key", username));
  }
  secret.resize(static_cast<std::size_t>(opened));
  return secret;
}

}  // namespace ektp::access
