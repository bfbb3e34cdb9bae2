// The SUKET credential: the QR text on the temporary certificate (Surat Keterangan) a resident
// holds while their e-KTP is pending. It is a MOSIP Claim 169 credential (v1.2.1): identity
// claims in a CBOR Web Token (RFC 8392), signed as a COSE_Sign1 (RFC 9052) with Ed25519 by the
// issuing office's key, zlib-compressed (RFC 1950) and written in Base45 (RFC 9285), which a
// QR code holds in alphanumeric mode. Anyone verifies it offline with the trust list
// (card/suket_trust_list.h). Pure functions: no clock, files or network; "now" is passed in.
// Thread-safe. docs/suket-format.md has the same layout with a worked example.
//
// Layout (CBOR in the deterministic encoding of RFC 8949 §4.2: shortest heads, definite
// lengths, map keys in ascending order):
//
//   QR text  = Base45(zlib(COSE_Sign1))
//   COSE_Sign1 = tag 18 [ protected: bstr .cbor {1: -8 (EdDSA), 4: kid (8-byte bstr)},
//                         unprotected: {},
//                         payload: bstr .cbor CWT claims,
//                         signature: bstr (64 bytes) ]
//   signature = Ed25519 over Sig_structure = ["Signature1", protected, h'', payload]
//   CWT claims = { 1 (iss): tstr  issuing office, "ektp:3327"
//                  2 (sub): tstr  the NIK again, as the CWT's subject
//                  4 (exp): uint  seconds since the epoch; suket_expiry(iat) = iat + 6 months
//                  6 (iat): uint  seconds since the epoch
//                169 (identity-data): {
//                    1: tstr   ID: the NIK, 16 digits
//                    4: tstr   full name
//                    8: tstr   date of birth, "YYYYMMDD"
//                    9: uint   gender: 1 male, 2 female, 3 other
//                   10: tstr   address, one line
//                   62: [ {0: bstr image, 1: 0 (image), 2: 0 PNG | 1 JPEG} ]   face, optional
//                   99: tstr   estimated e-KTP ready date, "YYYYMMDD", optional } }
// Key 99 is ektp's own: Claim 169 leaves 75–99 unassigned "for any other data" and lets a
// closed ecosystem use unassigned keys by agreement between issuer and verifier. We take the
// far end of that range, the least likely to be assigned next; other Claim 169 readers ignore
// it. A reader accepts an optional CWT tag 61 around tag 18, and skips claims it does not know.
//
// suket_id: the first 16 bytes of SHA-256 of the 64-byte COSE signature, 32 lower-case hex
// digits; what the superseded list names.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "card/suket_signing_key.h"
#include "card/suket_trust_list.h"
#include "core/civil_date.h"
#include "core/error.h"

namespace ektp::card {

// Limits on every input. 4,296 characters fill a version-40 QR in alphanumeric mode at level L.
inline constexpr std::size_t kSuketQrCharsMax = 4296;
inline constexpr std::size_t kSuketInflatedBytesMax = 64 << 10;
inline constexpr std::size_t kSuketFaceBytesMax = 3 << 10;  // more cannot fit the QR anyway
inline constexpr std::size_t kSuketMapPairsMax = 32;        // any one map in the credential
inline constexpr std::size_t kSuketBiometricsMax = 4;       // entries under key 62

enum class SuketGender : std::uint8_t { kMale = 1, kFemale = 2, kOther = 3 };
enum class SuketImageFormat : std::uint8_t { kPng = 0, kJpeg = 1 };  // Claim 169 image sub-formats

struct SuketFace {
  std::vector<std::uint8_t> image;  // begins with the JPEG or PNG signature
  SuketImageFormat format = SuketImageFormat::kJpeg;

  friend bool operator==(const SuketFace&, const SuketFace&) = default;
};

struct SuketClaims {
  std::string nik;        // 16 digits; also the CWT sub
  std::string full_name;  // validate_person_name: 1–120 bytes
  CivilDate birth_date{};
  SuketGender gender = SuketGender::kOther;
  std::string address;  // validate_text: one line, at most limits::address_bytes_max bytes
  std::optional<SuketFace> face;
  std::optional<CivilDate> card_ready_estimate;  // claim 169 key 99
  std::string issuer;                            // CWT iss, validate_suket_issuer: "ektp:3327"
  std::int64_t issued_at_s = 0;
  std::int64_t expires_at_s = 0;

  friend bool operator==(const SuketClaims&, const SuketClaims&) = default;
};

// iat plus 6 calendar months at the same Jakarta (UTC+7) wall-clock time; a day the month lacks
// becomes its last day (31 August → 28 or 29 February).
std::int64_t suket_expiry(std::int64_t issued_at_s);

// The QR text. kInvalidArgument (reason "suket_claims") for claims that break the rules above,
// naming the field; kResourceExhausted (reason "suket_too_large") when the text would pass
// kSuketQrCharsMax characters, most likely a face image that should be smaller.
Result<std::string> encode_suket(const SuketClaims& claims, const SigningKey& issuer_key);

// The COSE_Sign1 bytes inside a QR text (Base45, then a bounded inflate), and the suket id of
// a QR text. kInvalidArgument with the reason of the layer at fault.
Result<std::vector<std::uint8_t>> suket_cose_bytes(std::string_view qr_text);
Result<std::string> suket_id(std::string_view qr_text);
std::string suket_id_of_signature(std::span<const std::uint8_t> cose_signature);

enum class SuketStatus { kValid, kExpired, kSuperseded, kUnknownIssuer, kForged, kMalformed };
// "valid", "expired", "superseded", "unknown_issuer", "forged", "malformed": stable names.
std::string_view suket_status_name(SuketStatus status);

struct SuketVerdict {
  SuketStatus status = SuketStatus::kMalformed;
  // What was wrong and where, for a person: "base45: character 17 ('a') is not in the
  // alphabet". Empty when valid.
  std::string reason;
  // Set when the signature verified and the issuer and claims checked out (valid, expired,
  // superseded), so a page can still show whose SUKET it was.
  std::optional<SuketClaims> claims;
  std::string kid_hex;  // the key the credential names, once its header is read
  std::string id;       // suket_id, once the COSE structure is read
};

// Checks, in order, and the first that fails decides:
//   the text: length, Base45, zlib within kSuketInflatedBytesMax, the COSE_Sign1 → malformed
//   the kid is in the trust list                                                → unknown_issuer
//   the Ed25519 signature verifies with that key                                → forged
//   the CWT claims are whole and within the limits above                        → malformed
//   the key is for the credential's iss, and iat lies in its validity window    → unknown_issuer
//   its suket id is not on the superseded list (which may be null)              → superseded
//   now_s is before exp                                                         → expired
// Never crashes, and allocates at most a few times kSuketInflatedBytesMax, on any input.
SuketVerdict verify_suket(std::string_view qr_text, const TrustList& keys,
                          const SupersededList* superseded, std::int64_t now_s);

}  // namespace ektp::card
