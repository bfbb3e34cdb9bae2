// What central keeps of the chip (migration 17): the CSCA and Document Signer certificates — their
// private keys stay in the HSM — with every signature each has made counted and audited, and one
// row per personalised chip tying its chip serial to its blanko and NIK. The revocation list is
// read from here: the chips of cards reported lost or damaged (print_requests.revoked_at_ms), and
// the chips a newer card of the same resident replaced. Every function works inside the caller's
// transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "card/chip_revocation.h"
#include "store/database.h"

namespace ektp::card {

inline constexpr std::string_view kCscaKind = "csca";
inline constexpr std::string_view kDocumentSignerKind = "document_signer";

struct ChipCertificate {
  std::string label;                     // the key's label in the token
  std::string kind;                      // csca, document_signer
  std::string period;                    // a Document Signer's signing period ("2026q4"); empty for the CSCA
  std::vector<std::uint8_t> certificate;  // DER
  std::int64_t not_before_s = 0;
  std::int64_t not_after_s = 0;
  std::int64_t signatures = 0;
};

Status record_chip_certificate(store::Connection& db, const ChipCertificate& certificate, std::int64_t now_ms);
// The CSCA certificates (newest first) and a period's Document Signer (nullopt when none yet).
Result<std::vector<ChipCertificate>> csca_certificates(store::Connection& db);
Result<std::optional<ChipCertificate>> document_signer_for(store::Connection& db, std::string_view period);

// One signature made with `label`'s key: its count rises and the audit log says for what.
Status count_chip_signature(store::Connection& db, std::string_view label, std::string_view actor,
                            std::string_view subject, std::string_view what, std::int64_t now_ms);

struct ChipPersonalisation {
  std::string chip_serial;     // 16 lower-case hex
  std::int64_t blanko_serial = 0;
  std::string nik;
  std::int64_t print_request = 0;
  std::string document_signer;
  std::string sod_sha256;      // hex
  std::string personalised_by;
  std::int64_t personalised_at_ms = 0;
};

// kAlreadyExists when the chip serial or the blanko was personalised before.
Status record_personalisation(store::Connection& db, const ChipPersonalisation& chip);
Result<std::optional<ChipPersonalisation>> personalisation_of_chip(store::Connection& db, std::string_view chip_serial);
Result<std::optional<ChipPersonalisation>> personalisation_of_request(store::Connection& db, std::int64_t print_request);

// The signed revocation lists as issued (the newest is what central serves to readers).
Status record_revocation_list(store::Connection& db, const RevocationList& list, std::string_view signed_list);
// The newest signed list, or nullopt when none was issued yet.
Result<std::optional<std::string>> newest_revocation_list(store::Connection& db);
// The newest list's number alone (nullopt when none was issued yet): a reader that keeps the list
// it verified asks this before reading the whole text again.
Result<std::optional<std::uint64_t>> newest_revocation_list_number(store::Connection& db);

// Every chip that must not be trusted any more, oldest first.
Result<std::vector<RevokedChip>> revoked_chips(store::Connection& db);

}  // namespace ektp::card
