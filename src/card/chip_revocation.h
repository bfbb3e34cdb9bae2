// The chip revocation list: lost, stolen and replaced cards, by chip serial and NIK, signed by the
// CSCA (as ICAO has the CSCA sign its CRLs) so that any reader can check it with the CSCA
// certificate it already trusts, and cache it: a revoked card reads as revoked offline too.
//
// The file (JSON):
//   {"payload":"<the list as JSON text>","signature":"<base64url DER ECDSA over SHA-256 of the
//    payload's bytes>"}
// and the payload:
//   {"number":7,"issued_at":1796083200,"next_update":1796688000,
//    "entries":[{"chip_serial":"<16 hex>","nik":"3327…","revoked_on":"2026-12-01","reason":"lost"}]}
// reasons: lost, stolen, damaged, replaced. The payload is signed as the exact bytes carried, so
// nothing depends on how JSON is re-serialised. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "card/security_object.h"

namespace ektp::card {

inline constexpr std::size_t kRevocationEntriesMax = 1'000'000;
inline constexpr std::size_t kRevocationFileBytesMax = 160u << 20;

struct RevokedChip {
  std::string chip_serial;  // 16 lower-case hex digits
  std::string nik;
  std::string revoked_on;   // YYYY-MM-DD
  std::string reason;       // lost, stolen, damaged, replaced
};

struct RevocationList {
  std::uint64_t number = 0;  // rises with every list issued
  std::int64_t issued_at = 0;
  std::int64_t next_update = 0;
  std::vector<RevokedChip> entries;
  // The entry for a chip serial, or nullptr.
  const RevokedChip* find(std::string_view chip_serial) const;
};

// kInvalidArgument for an entry that is not well formed (naming it) or next_update ≤ issued_at.
Result<std::string> sign_revocation_list(const RevocationList& list, const DigestSigner& csca_sign);

// Reads and checks a signed list against the trusted CSCA certificates (DER): kUnauthenticated
// (reason revocation_signature) when no trusted CSCA signed it; kInvalidArgument
// (revocation_malformed) for what is not a list.
Result<RevocationList> verify_revocation_list(std::string_view file,
                                              const std::vector<std::vector<std::uint8_t>>& trusted_cscas);

// True when a reader should fetch a newer list (its next update has passed); the cached one still
// counts until then and after.
inline bool revocation_list_stale(const RevocationList& list, std::int64_t now) { return now >= list.next_update; }

}  // namespace ektp::card
