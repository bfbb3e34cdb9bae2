// Webhook signatures by the Standard Webhooks scheme (https://www.standardwebhooks.com), in its
// asymmetric form: central signs "{webhook-id}.{webhook-timestamp}.{body}" with an Ed25519 key and
// sends the signature as `webhook-signature: v1a,<base64>`; receivers check it with the published
// public key (GET /api/v1/agency/webhook-key: base64, and the scheme's "whpk_<base64>" form), so
// no secret is shared with any agency. The key pair lives in a file of mode 0600 outside the
// database (by default `webhook-signing.key` in the audit anchor's folder), as hex of libsodium's
// 64-byte secret key (seed ‖ public key). Thread-safe: a key is immutable once made; its secret
// is zeroed when it goes.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ektp::agency {

inline constexpr std::string_view kWebhookSignatureVersion = "v1a";
inline constexpr std::string_view kWebhookPublicKeyPrefix = "whpk_";

class WebhookSigningKey {
 public:
  static constexpr std::size_t kSeedBytes = 32;
  static constexpr std::size_t kPublicKeyBytes = 32;
  static constexpr std::size_t kSecretKeyBytes = 64;

  // Reads the key file; with `create`, writes a new random key (mode 0600) when it is missing.
  // kDataLoss for a file that is not such a key; kNotFound when it is missing and not created.
  static Result<WebhookSigningKey> open(const std::filesystem::path& path, bool create);
  // The key a 32-byte seed makes (RFC 8032): the same seed, the same key (tests, test vectors).
  static WebhookSigningKey from_seed(std::span<const std::uint8_t, kSeedBytes> seed);

  WebhookSigningKey(const WebhookSigningKey&) = delete;
  WebhookSigningKey& operator=(const WebhookSigningKey&) = delete;
  WebhookSigningKey(WebhookSigningKey&& other) noexcept;
  WebhookSigningKey& operator=(WebhookSigningKey&& other) noexcept;
  ~WebhookSigningKey();

  // The 32-byte public key, standard base64 with padding; and as "whpk_<base64>".
  std::string public_key_base64() const;
  std::string public_key_whpk() const { return std::string(kWebhookPublicKeyPrefix) + public_key_base64(); }

  // The value of the webhook-signature header: "v1a,<base64 of the 64-byte signature>".
  std::string sign(std::string_view webhook_id, std::int64_t timestamp_s, std::string_view body) const;

 private:
  WebhookSigningKey() = default;
  std::array<std::uint8_t, kSecretKeyBytes> secret_key_{};
  std::array<std::uint8_t, kPublicKeyBytes> public_key_{};
};

// What is signed: "{webhook-id}.{webhook-timestamp}.{body}".
std::string webhook_signed_content(std::string_view webhook_id, std::int64_t timestamp_s, std::string_view body);

// Whether one of the space-separated signatures of a webhook-signature header is a valid "v1a,"
// signature of the message by the public key (base64, or its "whpk_" form). False for anything
// malformed.
bool verify_webhook_signature(std::string_view public_key, std::string_view webhook_id, std::int64_t timestamp_s,
                              std::string_view body, std::string_view signature_header);

// Where a server keeps the key by default: beside the audit chain's signing key.
inline std::filesystem::path default_webhook_key_path(const std::filesystem::path& anchor_dir) {
  return anchor_dir / "webhook-signing.key";
}

}  // namespace ektp::agency
