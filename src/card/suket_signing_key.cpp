#include "card/suket_signing_key.h"

#include <sodium.h>

#include <algorithm>

#include "card/byte_text.h"
#include "core/assert.h"

namespace ektp::card {
namespace {

static_assert(crypto_sign_PUBLICKEYBYTES == kEd25519PublicKeyBytes);
static_assert(crypto_sign_SECRETKEYBYTES == kEd25519SecretKeyBytes);
static_assert(crypto_sign_SEEDBYTES == kEd25519SeedBytes);
static_assert(crypto_sign_BYTES == kEd25519SignatureBytes);

// sodium_init is idempotent and thread-safe; it fails only when the system has no random source.
void ensure_sodium() {
  const int rc = sodium_init();
  EKTP_ASSERT(rc >= 0);
}

}  // namespace

KeyId key_id_of(const PublicKey& public_key) {
  ensure_sodium();
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), public_key.data(), public_key.size());
  KeyId kid{};
  std::copy_n(digest.begin(), kid.size(), kid.begin());
  return kid;
}

std::string key_id_hex(const PublicKey& public_key) { return hex_of(key_id_of(public_key)); }

SigningKey SigningKey::from_seed(std::span<const std::uint8_t, kEd25519SeedBytes> seed) {
  ensure_sodium();
  SigningKey key;
  const int rc =
      crypto_sign_seed_keypair(key.public_key_.data(), key.secret_key_.data(), seed.data());
  EKTP_ASSERT(rc == 0);
  return key;
}

Result<SigningKey> SigningKey::from_secret_key(std::span<const std::uint8_t> secret_key) {
  if (secret_key.size() != kEd25519SecretKeyBytes) {
    return invalid_argument("signing key: " + std::to_string(secret_key.size()) + " bytes, not " +
                            std::to_string(kEd25519SecretKeyBytes));
  }
  SigningKey key = from_seed(secret_key.first<kEd25519SeedBytes>());
  if (sodium_memcmp(key.secret_key_.data(), secret_key.data(), kEd25519SecretKeyBytes) != 0) {
    return invalid_argument("signing key: its public half is not the key its seed makes");
  }
  return key;
}

SigningKey::SigningKey(SigningKey&& other) noexcept
    : secret_key_(other.secret_key_), public_key_(other.public_key_) {
  sodium_memzero(other.secret_key_.data(), other.secret_key_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    secret_key_ = other.secret_key_;
    public_key_ = other.public_key_;
    sodium_memzero(other.secret_key_.data(), other.secret_key_.size());
  }
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

Signature SigningKey::sign(std::span<const std::uint8_t> message) const {
  ensure_sodium();
  Signature signature{};
  const int rc = crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                                      secret_key_.data());
  EKTP_ASSERT(rc == 0);
  return signature;
}

SigningKey generate_signing_key() {
  ensure_sodium();
  std::array<std::uint8_t, kEd25519SeedBytes> seed{};
  randombytes_buf(seed.data(), seed.size());
  SigningKey key = SigningKey::from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

bool verify_ed25519(const PublicKey& public_key, std::span<const std::uint8_t> message,
                    std::span<const std::uint8_t> signature) {
  ensure_sodium();
  if (signature.size() != kEd25519SignatureBytes) return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

}  // namespace ektp::card
