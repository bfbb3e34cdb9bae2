// Standard Webhooks signatures with Ed25519 (agency/webhook_signature.h).
#include "agency/webhook_signature.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "access/private_file.h"

namespace ektp::agency {
namespace {

std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();
  return hex;
}

bool from_hex(std::string_view hex, std::span<std::uint8_t> out) {
  std::size_t length = 0;
  return hex.size() == out.size() * 2 &&
         sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &length, nullptr) == 0 &&
         length == out.size();
}

std::string to_base64(std::span<const std::uint8_t> bytes) {
  std::string text(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  text.pop_back();  // the terminating NUL
  return text;
}

// Exactly `size` bytes of standard base64 (padded), or nothing.
bool from_base64(std::string_view text, std::span<std::uint8_t> out) {
  std::size_t length = 0;
  return sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, nullptr,
                           sodium_base64_VARIANT_ORIGINAL) == 0 &&
         length == out.size();
}

}  // namespace

Result<WebhookSigningKey> WebhookSigningKey::open(const std::filesystem::path& path, bool create) {
  if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "libsodium cannot be initialised");
  std::error_code ec;
  if (create && !std::filesystem::exists(path, ec)) {
    std::array<std::uint8_t, kSeedBytes> seed{};
    randombytes_buf(seed.data(), seed.size());
    WebhookSigningKey fresh = from_seed(seed);
    sodium_memzero(seed.data(), seed.size());
    EKTP_RETURN_IF_ERROR(access::write_new_private_file(path, to_hex(fresh.secret_key_) + "\n"));
  }
  EKTP_ASSIGN_OR_RETURN(auto hex, access::read_small_file(path, 256));
  WebhookSigningKey key;
  const bool read = from_hex(hex, key.secret_key_);
  sodium_memzero(hex.data(), hex.size());
  // The public half must be the one the seed makes: a file cut or edited is not a key.
  if (read) {
    std::array<std::uint8_t, kPublicKeyBytes> derived{};
    std::array<std::uint8_t, kSecretKeyBytes> check{};
    crypto_sign_seed_keypair(derived.data(), check.data(), key.secret_key_.data());  // its first 32 bytes: the seed
    const bool same = sodium_memcmp(check.data(), key.secret_key_.data(), check.size()) == 0;
    sodium_memzero(check.data(), check.size());
    if (same) {
      key.public_key_ = derived;
      return key;
    }
  }
  return make_error(ErrorCode::kDataLoss, fmt::format("{}: not a webhook signing key ({} hex digits of an Ed25519 "
                                                      "secret key)",
                                                      path.string(), kSecretKeyBytes * 2));
}

WebhookSigningKey WebhookSigningKey::from_seed(std::span<const std::uint8_t, kSeedBytes> seed) {
  WebhookSigningKey key;
  if (sodium_init() >= 0) crypto_sign_seed_keypair(key.public_key_.data(), key.secret_key_.data(), seed.data());
  return key;
}

WebhookSigningKey::WebhookSigningKey(WebhookSigningKey&& other) noexcept
    : secret_key_(other.secret_key_), public_key_(other.public_key_) {
  sodium_memzero(other.secret_key_.data(), other.secret_key_.size());
}

WebhookSigningKey& WebhookSigningKey::operator=(WebhookSigningKey&& other) noexcept {
  if (this != &other) {
    secret_key_ = other.secret_key_;
    public_key_ = other.public_key_;
    sodium_memzero(other.secret_key_.data(), other.secret_key_.size());
  }
  return *this;
}

WebhookSigningKey::~WebhookSigningKey() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

std::string WebhookSigningKey::public_key_base64() const { return to_base64(public_key_); }

std::string WebhookSigningKey::sign(std::string_view webhook_id, std::int64_t timestamp_s, std::string_view body) const {
  const std::string content = webhook_signed_content(webhook_id, timestamp_s, body);
  std::array<std::uint8_t, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char*>(content.data()),
                       content.size(), secret_key_.data());
  return fmt::format("{},{}", kWebhookSignatureVersion, to_base64(signature));
}

std::string webhook_signed_content(std::string_view webhook_id, std::int64_t timestamp_s, std::string_view body) {
  return fmt::format("{}.{}.{}", webhook_id, timestamp_s, body);
}

bool verify_webhook_signature(std::string_view public_key, std::string_view webhook_id, std::int64_t timestamp_s,
                              std::string_view body, std::string_view signature_header) {
  if (sodium_init() < 0) return false;
  if (public_key.starts_with(kWebhookPublicKeyPrefix)) public_key.remove_prefix(kWebhookPublicKeyPrefix.size());
  std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> key{};
  if (!from_base64(public_key, key)) return false;
  const std::string content = webhook_signed_content(webhook_id, timestamp_s, body);
  const std::string prefix = fmt::format("{},", kWebhookSignatureVersion);
  constexpr std::size_t kSignaturesMax = 8;  // a header lists a few (key rotation), never many
  std::size_t seen = 0;
  while (!signature_header.empty() && seen++ < kSignaturesMax) {
    const std::size_t space = signature_header.find(' ');
    const std::string_view one = signature_header.substr(0, space);
    signature_header.remove_prefix(space == std::string_view::npos ? signature_header.size() : space + 1);
    std::array<std::uint8_t, crypto_sign_BYTES> signature{};
    if (!one.starts_with(prefix) || !from_base64(one.substr(prefix.size()), signature)) continue;
    if (crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(content.data()),
                                    content.size(), key.data()) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace ektp::agency
