// Keys that never leave a PKCS#11 token: the chip's country signing CA (CSCA) and Document Signer
// (DS) P-256 keys, and the master secrets that card keys are diversified from (HMAC-SHA-256).
// SoftHSM2 in development and tests; any PKCS#11 module in production, the token chosen by its
// label. Raw PKCS#11 (p11-kit's <p11-kit/pkcs11.h>); the module is loaded with dlopen.
//
// Keys are named by CKA_LABEL; a key pair's two halves (and a secret) carry that label and a
// CKA_ID of the label's bytes. Private and secret keys are made inside the token sensitive and
// non-extractable: the token signs and MACs, nothing reads them out.
//
// Module lifetime: the first token opened from a module calls C_Initialize (an already
// initialised module, CKR_CRYPTOKI_ALREADY_INITIALIZED, is accepted and then never finalised
// here); the last one closed calls C_Finalize. A module reads its configuration (SoftHSM:
// SOFTHSM2_CONF and the token directory) at C_Initialize, so a token made while another token of
// the same module is open in this process may stay invisible until all are closed.
//
// Thread-safety: a Pkcs11Token serialises its own calls (one session, one mutex); distinct
// tokens may be used from different threads. Where the user PIN comes from: token_pin.h.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::card {

inline constexpr std::size_t kSha256DigestBytes = 32;
inline constexpr std::size_t kTokenSecretBytes = 32;

// The protection flags a token reports for a private or secret key.
struct KeyFlags {
  bool sensitive = false;          // CKA_SENSITIVE
  bool extractable = false;        // CKA_EXTRACTABLE
  bool always_sensitive = false;   // CKA_ALWAYS_SENSITIVE: sensitive since it was made
  bool never_extractable = false;  // CKA_NEVER_EXTRACTABLE: never extractable since it was made
};

// "CKR_PIN_INCORRECT" for the common return values, "CKR_0x…" for the rest.
std::string ckr_name(unsigned long rv);

class Pkcs11Token {
 public:
  // Loads `module`, finds the token labelled `token_label` and logs in as the user. kUnavailable
  // when the module cannot be loaded or initialised; kNotFound naming the labels present when no
  // token has that label; kUnauthenticated (reason token_pin_refused) for a wrong PIN,
  // (reason token_pin_locked) when the token has locked the PIN. PKCS#11 login is per process
  // and token, so opening a token this process is logged in to skips C_Login and compares the
  // PIN with (a SHA-256 digest of) the one that logged in.
  static Result<Pkcs11Token> open(const std::filesystem::path& module, std::string_view token_label,
                                  std::string_view user_pin);

  // A moved-from token may only be destroyed or assigned to.
  Pkcs11Token(Pkcs11Token&&) noexcept;
  Pkcs11Token& operator=(Pkcs11Token&&) noexcept;
  Pkcs11Token(const Pkcs11Token&) = delete;
  Pkcs11Token& operator=(const Pkcs11Token&) = delete;
  // Logs out (when it is this process's last token on that slot), closes the session and, for
  // the module's last token, finalises and unloads the module.
  ~Pkcs11Token();

  const std::string& label() const;

  // A P-256 key pair generated inside the token: the private key token-resident, private,
  // sensitive, non-extractable, for signing; the public key for verifying. kAlreadyExists when an
  // object already carries `label`.
  Status generate_ec_key(std::string_view label);
  // A 32-byte generic secret generated inside the token (sensitive, non-extractable, for
  // CKM_SHA256_HMAC). kAlreadyExists when an object already carries `label`.
  Status generate_secret(std::string_view label);
  // Whether any object in the token carries `label`.
  bool has_key(std::string_view label);

  // The public key of pair `label` as DER SubjectPublicKeyInfo (OpenSSL d2i_PUBKEY reads it).
  Result<std::vector<std::uint8_t>> public_key_der(std::string_view label);
  // ECDSA (CKM_ECDSA) with private key `label` over a SHA-256 digest, as a DER ECDSA-Sig-Value
  // (what X.509 and CMS carry). kInvalidArgument unless the digest is 32 bytes.
  Result<std::vector<std::uint8_t>> sign_digest(std::string_view label,
                                                std::span<const std::uint8_t> sha256_digest);
  // HMAC-SHA-256 (CKM_SHA256_HMAC) with secret `label` over `data`.
  Result<std::array<std::uint8_t, 32>> hmac_sha256(std::string_view label, std::span<const std::uint8_t> data);

  // Asks the token for CKA_VALUE of private or secret key `label`. A well-kept key is refused:
  // kPermissionDenied (reason key_not_extractable). The bytes when the token hands them out.
  Result<std::vector<std::uint8_t>> read_secret_value(std::string_view label);
  // The protection flags of private or secret key `label`.
  Result<KeyFlags> key_flags(std::string_view label);

 private:
  struct State;
  explicit Pkcs11Token(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ektp::card
