// Issuing a SUKET (Surat Keterangan) while a resident's e-KTP is pending: the Claim 169 credential
// (card/suket_credential.h) with their NIK, name, birth date, sex, address, a small face from
// their enrollment photo and the estimated ready date, signed with the printing office's issuer
// key, valid six months; kept in table sukets (so collecting the card supersedes it) and audited.
// A resident who has collected their card (and not lost it since) gets none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "card/card_face.h"
#include "card/ready_date.h"
#include "card/suket_credential.h"
#include "card/suket_keys.h"
#include "core/region.h"
#include "store/database.h"

namespace ektp::card {

namespace suket_reason {
inline constexpr std::string_view kCardCollected = "suket_card_collected";
inline constexpr std::string_view kNotEnrolled = "suket_not_enrolled";
inline constexpr std::string_view kDeceased = "suket_deceased";
}  // namespace suket_reason

// The small face in the QR: at most this many bytes of JPEG (Base45 makes 1.5 characters of a
// byte, and the whole text must fit one QR code).
// 1,000 bytes keep the whole text near 1,700 characters, a QR code a phone photo of the page reads
// (at 1,400 bytes a real photo made it ~2,300 characters, ~140 modules a side, read only by luck).
inline constexpr std::size_t kSuketFaceBytesTarget = 1000;

struct SuketRecord {
  std::string id;  // suket_id
  std::string nik;
  std::string office;
  std::string kid;
  std::string issued_by;
  std::int64_t issued_at_s = 0;
  std::int64_t expires_at_s = 0;
  std::string qr_text;
  std::int64_t superseded_at_ms = 0;
  // The ready date printed on it, as it was estimated at issue; none when no request of theirs
  // waited (the card was printed already).
  std::optional<ReadyAnswer> ready;
};

// What the printed SUKET shows: the record, the claims, the full-size photo, the card face's
// lines (for the address as the card prints it) and the ready date.
struct IssuedSuket {
  SuketRecord record;
  SuketClaims claims;
  CardFace face;
};

Result<IssuedSuket> issue_suket(store::Database& db, SuketKeys& keys, const RegionDirectory& regions,
                                std::string_view nik, std::string_view actor, std::int64_t now_ms);

// The resident's SUKETs, newest first (at most 20).
Result<std::vector<SuketRecord>> sukets_of(store::Connection& db, std::string_view nik);
Result<SuketRecord> load_suket(store::Connection& db, std::string_view id);
// A stored SUKET as it is printed again: its record, the claims its QR holds (read back with the
// registry's own trust list) and the card face lines of the resident now.
Result<IssuedSuket> load_issued_suket(store::Connection& db, const RegionDirectory& regions, std::string_view id);

// The face image for the QR: the photo decoded, cut to its middle at 3:4, made small and JPEG
// encoded until it is at most `bytes_max`; none when the photo cannot be decoded.
std::optional<SuketFace> small_face(const std::vector<std::uint8_t>& photo, std::size_t bytes_max);

}  // namespace ektp::card
