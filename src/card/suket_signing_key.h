// Ed25519 keys (libsodium) for SUKET credentials and the lists that vouch for their issuers:
// an office's issuer key signs each SUKET, the root key signs the trust list and the superseded
// list. A key is named by its key id (kid): the first 8 bytes of SHA-256 of its 32-byte public
// key, shown as 16 lower-case hex digits. The secret key is zeroed when a SigningKey goes.
// Thread-safe: a SigningKey is immutable once made.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "core/error.h"

namespace ektp::card {

inline constexpr std::size_t kEd25519PublicKeyBytes = 32;
inline constexpr std::size_t kEd25519SeedBytes = 32;
inline constexpr std::size_t kEd25519SecretKeyBytes = 64;  // libsodium's form: seed ‖ public key
inline constexpr std::size_t kEd25519SignatureBytes = 64;
inline constexpr std::size_t kKeyIdBytes = 8;

using PublicKey = std::array<std::uint8_t, kEd25519PublicKeyBytes>;
using KeyId = std::array<std::uint8_t, kKeyIdBytes>;
using Signature = std::array<std::uint8_t, kEd25519SignatureBytes>;

// The first 8 bytes of SHA-256(public key).
KeyId key_id_of(const PublicKey& public_key);
std::string key_id_hex(const PublicKey& public_key);

class SigningKey {
 public:
  // The key a 32-byte seed makes (RFC 8032); the same seed always makes the same key.
  static SigningKey from_seed(std::span<const std::uint8_t, kEd25519SeedBytes> seed);
  // A stored 64-byte secret key; kInvalidArgument for a wrong size or one whose public half is
  // not the public key its seed makes.
  static Result<SigningKey> from_secret_key(std::span<const std::uint8_t> secret_key);

  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  ~SigningKey();

  const PublicKey& public_key() const { return public_key_; }
  KeyId key_id() const { return key_id_of(public_key_); }
  // For storing the key; copy it only into memory that is zeroed after use.
  std::span<const std::uint8_t, kEd25519SecretKeyBytes> secret_key() const { return secret_key_; }

  Signature sign(std::span<const std::uint8_t> message) const;

 private:
  SigningKey() = default;
  std::array<std::uint8_t, kEd25519SecretKeyBytes> secret_key_{};
  PublicKey public_key_{};
};

// A fresh key from the system's secure random source.
SigningKey generate_signing_key();

// True only when `signature` is exactly 64 bytes and a valid signature of `message`.
bool verify_ed25519(const PublicKey& public_key, std::span<const std::uint8_t> message,
                    std::span<const std::uint8_t> signature);

}  // namespace ektp::card
