// The issuer's side of the chip, over the HSM (pkcs11_token.h) and the register (chip_register.h):
// the CSCA key and certificate and the two master secrets made once; a Document Signer per
// signing period (a quarter), generated in the token and certified by the CSCA the first time the
// period signs — that is the rotation; EF.SOD signed for a card; the per-card keys diversified
// from the masters; the revocation list signed. Every signature is counted against its key and
// audited, in its own transaction right after the token made it (a signature made is counted
// even when the card it was for then fails).
//
// Token labels: ektp-csca, ektp-ds-<period> (ektp-ds-2026q4), ektp-perso-master,
// ektp-terminal-master. Per-card keys: K_perso = HMAC-SHA-256(perso master, "EKTP-PERSO" ‖
// chip serial), K_terminal = HMAC-SHA-256(terminal master, "EKTP-TERMINAL" ‖ chip serial); an
// authorised reader holds the terminal master in its own token and derives the same key.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "card/chip_keys.h"
#include "card/chip_register.h"
#include "card/pkcs11_token.h"
#include "store/database.h"

namespace ektp::card {

inline constexpr std::string_view kCscaKeyLabel = "ektp-csca";
inline constexpr std::string_view kPersoMasterLabel = "ektp-perso-master";
inline constexpr std::string_view kTerminalMasterLabel = "ektp-terminal-master";
inline constexpr std::int64_t kCscaLifeSeconds = 20LL * 365 * 86400;
// A Document Signer's certificate outlives its period by the life of the cards it signs.
inline constexpr std::int64_t kDocumentSignerTailSeconds = 11LL * 365 * 86400;

// "2026q4": the quarter (Jakarta calendar) of a moment; and its first second.
std::string signing_period_of(std::int64_t unix_seconds);
std::int64_t signing_period_start(std::int64_t unix_seconds);

// HMAC-SHA-256(master, context ‖ serial) in the token; the contexts are chip_keys.h's
// kPersoKeyLabel and kTerminalKeyLabel (what diversify_chip_key computes outside a token).
Result<std::array<std::uint8_t, 32>> diversified_key(Pkcs11Token& token, std::string_view master_label,
                                                     std::string_view context, std::span<const std::uint8_t> serial);

class ChipIssuer {
 public:
  ChipIssuer(Pkcs11Token& token, store::Database& db, std::string actor)
      : token_(token), db_(db), actor_(std::move(actor)) {}

  // The CSCA key and self-signed certificate and the two masters, in a token that has none:
  // kAlreadyExists when the register already has a CSCA.
  Result<ChipCertificate> initialise(std::int64_t now_s);
  // The newest CSCA certificate; kFailedPrecondition when the issuer was never initialised.
  Result<ChipCertificate> csca();
  // The Document Signer of the period `now_s` falls in, made at its first use.
  Result<ChipCertificate> document_signer(std::int64_t now_s);
  // EF.SOD over `groups` (data group → file), signed by the current Document Signer for `nik`.
  struct SignedSod {
    std::vector<std::uint8_t> ef_sod;
    std::string document_signer;  // its label
  };
  Result<SignedSod> sign_sod(const std::map<int, std::vector<std::uint8_t>>& groups, std::string_view nik,
                             std::int64_t now_s);
  Result<std::array<std::uint8_t, 32>> perso_key(std::span<const std::uint8_t> chip_serial);
  Result<std::array<std::uint8_t, 32>> terminal_key(std::span<const std::uint8_t> chip_serial);
  // The register's revoked chips, signed by the CSCA, valid for `valid_s` seconds; kept in the
  // register as the newest list (numbered by its second: two lists in one second are refused).
  Result<std::string> revocation_list(std::int64_t now_s, std::int64_t valid_s);

 private:
  // A signature by `label`, counted and audited.
  Result<std::vector<std::uint8_t>> counted_sign(std::string_view label, std::span<const std::uint8_t> digest,
                                                 std::string_view subject, std::string_view what, std::int64_t now_s);
  Pkcs11Token& token_;
  store::Database& db_;
  std::string actor_;
};

}  // namespace ektp::card
