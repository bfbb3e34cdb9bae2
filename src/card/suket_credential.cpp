#include "card/suket_credential.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <set>
#include <utility>

#include "card/base45.h"
#include "card/byte_text.h"
#include "card/cbor_items.h"
#include "card/suket_cose.h"
#include "card/zlib_codec.h"
#include "core/assert.h"
#include "core/limits.h"
#include "core/person.h"

namespace ektp::card {
namespace {

// CWT claim keys (RFC 8392 §4) and Claim 169 keys (MOSIP Claim 169 v1.2.1 §3.1).
constexpr std::uint64_t kCwtIss = 1;
constexpr std::uint64_t kCwtSub = 2;
constexpr std::uint64_t kCwtExp = 4;
constexpr std::uint64_t kCwtIat = 6;
constexpr std::uint64_t kCwtIdentityData = 169;
constexpr std::uint64_t kIdId = 1;
constexpr std::uint64_t kIdFullName = 4;
constexpr std::uint64_t kIdBirthDate = 8;
constexpr std::uint64_t kIdGender = 9;
constexpr std::uint64_t kIdAddress = 10;
constexpr std::uint64_t kIdFace = 62;
constexpr std::uint64_t kIdCardReady = 99;  // ektp's own, see the header
// Claim 169 biometrics entry keys and the image data format.
constexpr std::uint64_t kBioData = 0;
constexpr std::uint64_t kBioFormat = 1;
constexpr std::uint64_t kBioSubFormat = 2;
constexpr std::uint64_t kBioFormatImage = 0;

constexpr std::size_t kNikDigits = 16;
constexpr std::size_t kDateChars = 8;  // YYYYMMDD
constexpr std::size_t kSuketIdBytes = 16;
constexpr std::int64_t kJakartaOffsetS = 7 * 3600;
// 9999-12-31T23:59:59Z: times past it are refused, so calendar arithmetic never overflows.
constexpr std::int64_t kTimeMaxS = 253'402'300'799;

std::unexpected<Error> claims_refusal(std::string message) {
  return refusal(ErrorCode::kInvalidArgument, "suket_claims", "claims: " + std::move(message));
}

bool starts_with(std::span<const std::uint8_t> bytes, std::initializer_list<std::uint8_t> prefix) {
  return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
}

std::string date_text(CivilDate date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d%02u%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

Result<CivilDate> date_of_text(std::string_view field, std::string_view text) {
  const bool digits =
      text.size() == kDateChars &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return claims_refusal(std::string(field) + " is not 8 digits YYYYMMDD");
  const std::string iso = std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) +
                          "-" + std::string(text.substr(6, 2));
  auto date = parse_civil_date(iso);
  if (!date) return claims_refusal(std::string(field) + ": " + date.error().message);
  return *date;
}

// "2026-07-01T00:00:00Z", for reasons a person reads.
std::string utc_text(std::int64_t seconds) {
  using namespace std::chrono;
  if (seconds < 0 || seconds > kTimeMaxS) return std::to_string(seconds) + " s after 1970";
  const sys_seconds moment{std::chrono::seconds{seconds}};
  const sys_days day = floor<days>(moment);
  const year_month_day date{day};
  const hh_mm_ss clock{moment - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

// The rules every SUKET's claims keep, on the way out and on the way in.
Status validate_claims(const SuketClaims& claims) {
  const bool nik_digits =
      claims.nik.size() == kNikDigits && std::all_of(claims.nik.begin(), claims.nik.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
  if (!nik_digits) return claims_refusal("nik is not 16 digits");
  if (auto ok = validate_person_name("full_name", claims.full_name); !ok) {
    return claims_refusal(ok.error().message);
  }
  if (!claims.birth_date.ok() || !parse_civil_date(format_civil_date(claims.birth_date))) {
    return claims_refusal("birth_date is not a date from 1850 to 2200");
  }
  const auto gender = static_cast<unsigned>(claims.gender);
  if (gender < 1 || gender > 3) return claims_refusal("gender is not 1, 2 or 3");
  if (auto ok = validate_text("address", claims.address, limits::address_bytes_max, true); !ok) {
    return claims_refusal(ok.error().message);
  }
  if (claims.face) {
    const auto& image = claims.face->image;
    if (claims.face->format != SuketImageFormat::kPng &&
        claims.face->format != SuketImageFormat::kJpeg) {
      return claims_refusal("face format is not PNG (0) or JPEG (1)");
    }
    if (image.empty() || image.size() > kSuketFaceBytesMax) {
      return claims_refusal("face image is " + std::to_string(image.size()) + " bytes, not 1–" +
                            std::to_string(kSuketFaceBytesMax));
    }
    const bool png = starts_with(image, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    const bool jpeg = starts_with(image, {0xFF, 0xD8, 0xFF});
    if (claims.face->format == SuketImageFormat::kPng ? !png : !jpeg) {
      return claims_refusal(std::string("face image does not begin with the ") +
                            (claims.face->format == SuketImageFormat::kPng ? "PNG" : "JPEG") +
                            " signature");
    }
  }
  if (claims.card_ready_estimate &&
      !parse_civil_date(format_civil_date(*claims.card_ready_estimate))) {
    return claims_refusal("card_ready_estimate is not a date from 1850 to 2200");
  }
  if (auto ok = validate_suket_issuer(claims.issuer); !ok)
    return claims_refusal(ok.error().message);
  if (claims.issued_at_s < 0 || claims.expires_at_s <= claims.issued_at_s ||
      claims.expires_at_s > kTimeMaxS) {
    return claims_refusal("need 0 ≤ issued_at < expires_at ≤ 9999-12-31T23:59:59Z");
  }
  return {};
}

std::vector<std::uint8_t> encode_cwt_claims(const SuketClaims& claims) {
  CborWriter w;
  w.map(5);
  w.unsigned_int(kCwtIss);
  w.text(claims.issuer);
  w.unsigned_int(kCwtSub);
  w.text(claims.nik);
  w.unsigned_int(kCwtExp);
  w.unsigned_int(static_cast<std::uint64_t>(claims.expires_at_s));
  w.unsigned_int(kCwtIat);
  w.unsigned_int(static_cast<std::uint64_t>(claims.issued_at_s));
  w.unsigned_int(kCwtIdentityData);
  w.map(5 + (claims.face ? 1 : 0) + (claims.card_ready_estimate ? 1 : 0));
  w.unsigned_int(kIdId);
  w.text(claims.nik);
  w.unsigned_int(kIdFullName);
  w.text(claims.full_name);
  w.unsigned_int(kIdBirthDate);
  w.text(date_text(claims.birth_date));
  w.unsigned_int(kIdGender);
  w.unsigned_int(static_cast<std::uint64_t>(claims.gender));
  w.unsigned_int(kIdAddress);
  w.text(claims.address);
  if (claims.face) {
    w.unsigned_int(kIdFace);
    w.array(1);
    w.map(3);
    w.unsigned_int(kBioData);
    w.bytes(claims.face->image);
    w.unsigned_int(kBioFormat);
    w.unsigned_int(kBioFormatImage);
    w.unsigned_int(kBioSubFormat);
    w.unsigned_int(static_cast<std::uint64_t>(claims.face->format));
  }
  if (claims.card_ready_estimate) {
    w.unsigned_int(kIdCardReady);
    w.text(date_text(*claims.card_ready_estimate));
  }
  return w.take();
}

// Keys already seen in one map: a repeated key would let two readers see different claims.
Status first_time(std::set<std::uint64_t>& seen, std::uint64_t key, const CborReader& reader,
                  std::size_t offset, std::string_view map_name) {
  if (!seen.insert(key).second) {
    return reader.error_at(offset,
                           std::string(map_name) + " has key " + std::to_string(key) + " twice");
  }
  return {};
}

// The first entry of key 62 that is a PNG or JPEG image; other entries are read and passed over.
Result<std::optional<SuketFace>> decode_face(CborReader& r) {
  EKTP_ASSIGN_OR_RETURN(const std::size_t entries,
                        r.read_array("claim 169 key 62 (face)", kSuketBiometricsMax));
  std::optional<SuketFace> face;
  for (std::size_t e = 0; e < entries; ++e) {
    EKTP_ASSIGN_OR_RETURN(const std::size_t pairs, r.read_map("a face entry", kSuketMapPairsMax));
    std::optional<std::span<const std::uint8_t>> data;
    std::uint64_t format = kBioFormatImage, sub_format = 0;
    bool has_sub_format = false;
    std::set<std::uint64_t> seen;
    for (std::size_t i = 0; i < pairs; ++i) {
      EKTP_ASSIGN_OR_RETURN(const CborItem key, r.next());
      if (key.kind != CborKind::kUnsigned) {
        EKTP_RETURN_IF_ERROR(r.skip());
        continue;
      }
      EKTP_RETURN_IF_ERROR(first_time(seen, key.value, r, key.offset, "a face entry"));
      if (key.value == kBioData) {
        EKTP_ASSIGN_OR_RETURN(data, r.read_bytes("the face image (62.0)", kSuketFaceBytesMax));
      } else if (key.value == kBioFormat) {
        EKTP_ASSIGN_OR_RETURN(format, r.read_unsigned("the face data format (62.1)"));
      } else if (key.value == kBioSubFormat) {
        EKTP_ASSIGN_OR_RETURN(sub_format, r.read_unsigned("the face sub-format (62.2)"));
        has_sub_format = true;
      } else {
        EKTP_RETURN_IF_ERROR(r.skip());
      }
    }
    if (!data) return claims_refusal("face entry " + std::to_string(e + 1) + " has no data (62.0)");
    const bool usable = format == kBioFormatImage && has_sub_format &&
                        (sub_format == static_cast<std::uint64_t>(SuketImageFormat::kPng) ||
                         sub_format == static_cast<std::uint64_t>(SuketImageFormat::kJpeg));
    if (usable && !face) {
      face = SuketFace{{data->begin(), data->end()}, static_cast<SuketImageFormat>(sub_format)};
    }
  }
  return face;
}

Status decode_identity(CborReader& r, SuketClaims& claims, std::string& id) {
  EKTP_ASSIGN_OR_RETURN(const std::size_t pairs, r.read_map("claim 169", kSuketMapPairsMax));
  std::set<std::uint64_t> seen;
  std::optional<std::string_view> birth, ready;
  std::optional<std::uint64_t> gender;
  for (std::size_t i = 0; i < pairs; ++i) {
    EKTP_ASSIGN_OR_RETURN(const CborItem key, r.next());
    if (key.kind != CborKind::kUnsigned) {
      EKTP_RETURN_IF_ERROR(r.skip());
      continue;
    }
    EKTP_RETURN_IF_ERROR(first_time(seen, key.value, r, key.offset, "claim 169"));
    if (key.value == kIdId) {
      EKTP_ASSIGN_OR_RETURN(id, r.read_text("claim 169 key 1 (ID)", kNikDigits));
    } else if (key.value == kIdFullName) {
      EKTP_ASSIGN_OR_RETURN(claims.full_name,
                            r.read_text("claim 169 key 4 (full name)", limits::name_bytes_max));
    } else if (key.value == kIdBirthDate) {
      EKTP_ASSIGN_OR_RETURN(birth, r.read_text("claim 169 key 8 (date of birth)", kDateChars));
    } else if (key.value == kIdGender) {
      EKTP_ASSIGN_OR_RETURN(gender, r.read_unsigned("claim 169 key 9 (gender)"));
    } else if (key.value == kIdAddress) {
      EKTP_ASSIGN_OR_RETURN(claims.address,
                            r.read_text("claim 169 key 10 (address)", limits::address_bytes_max));
    } else if (key.value == kIdFace) {
      EKTP_ASSIGN_OR_RETURN(claims.face, decode_face(r));
    } else if (key.value == kIdCardReady) {
      EKTP_ASSIGN_OR_RETURN(ready, r.read_text("claim 169 key 99 (card ready date)", kDateChars));
    } else {
      EKTP_RETURN_IF_ERROR(r.skip());
    }
  }
  const std::pair<std::uint64_t, const char*> required[] = {{kIdId, "1 (ID)"},
                                                            {kIdFullName, "4 (full name)"},
                                                            {kIdBirthDate, "8 (date of birth)"},
                                                            {kIdGender, "9 (gender)"},
                                                            {kIdAddress, "10 (address)"}};
  for (const auto& [key, name] : required) {
    if (!seen.contains(key)) return claims_refusal(std::string("claim 169 has no key ") + name);
  }
  EKTP_ASSIGN_OR_RETURN(claims.birth_date, date_of_text("claim 169 key 8 (date of birth)", *birth));
  if (ready) {
    EKTP_ASSIGN_OR_RETURN(claims.card_ready_estimate, date_of_text("claim 169 key 99", *ready));
  }
  if (*gender < 1 || *gender > 3)
    return claims_refusal("claim 169 key 9 (gender) is not 1, 2 or 3");
  claims.gender = static_cast<SuketGender>(*gender);
  return {};
}

Result<std::int64_t> cwt_time(CborReader& r, std::string_view field) {
  EKTP_ASSIGN_OR_RETURN(const std::uint64_t value, r.read_unsigned(field));
  if (value > static_cast<std::uint64_t>(kTimeMaxS)) {
    return claims_refusal(std::string(field) + " is past 9999-12-31T23:59:59Z");
  }
  return static_cast<std::int64_t>(value);
}

Result<SuketClaims> decode_cwt_claims(std::span<const std::uint8_t> payload) {
  CborReader r(payload, "payload");
  EKTP_ASSIGN_OR_RETURN(const std::size_t pairs, r.read_map("the CWT claims", kSuketMapPairsMax));
  SuketClaims claims;
  std::string subject, id;
  std::set<std::uint64_t> seen;
  for (std::size_t i = 0; i < pairs; ++i) {
    EKTP_ASSIGN_OR_RETURN(const CborItem key, r.next());
    if (key.kind != CborKind::kUnsigned) {  // CWT allows negative and text keys; none is ours
      EKTP_RETURN_IF_ERROR(r.skip());
      continue;
    }
    EKTP_RETURN_IF_ERROR(first_time(seen, key.value, r, key.offset, "the CWT claims"));
    if (key.value == kCwtIss) {
      EKTP_ASSIGN_OR_RETURN(claims.issuer, r.read_text("iss (1)", kIssuerBytesMax));
    } else if (key.value == kCwtSub) {
      EKTP_ASSIGN_OR_RETURN(subject, r.read_text("sub (2)", kNikDigits));
    } else if (key.value == kCwtExp) {
      EKTP_ASSIGN_OR_RETURN(claims.expires_at_s, cwt_time(r, "exp (4)"));
    } else if (key.value == kCwtIat) {
      EKTP_ASSIGN_OR_RETURN(claims.issued_at_s, cwt_time(r, "iat (6)"));
    } else if (key.value == kCwtIdentityData) {
      EKTP_RETURN_IF_ERROR(decode_identity(r, claims, id));
    } else {
      EKTP_RETURN_IF_ERROR(r.skip());
    }
  }
  if (!r.at_end()) return r.error_at(r.offset(), "bytes after the CWT claims");
  const std::pair<std::uint64_t, const char*> required[] = {
      {kCwtIss, "1 (iss)"},
      {kCwtSub, "2 (sub)"},
      {kCwtExp, "4 (exp)"},
      {kCwtIat, "6 (iat)"},
      {kCwtIdentityData, "169 (identity data)"}};
  for (const auto& [key, name] : required) {
    if (!seen.contains(key)) return claims_refusal(std::string("the CWT has no claim ") + name);
  }
  if (subject != id) return claims_refusal("sub (2) is not claim 169's ID (1)");
  claims.nik = id;
  EKTP_RETURN_IF_ERROR(validate_claims(claims));
  return claims;
}

// `partial` by reference: a reason built from its fields is complete before it is moved from.
SuketVerdict verdict(SuketStatus status, std::string reason, SuketVerdict&& partial = {}) {
  partial.status = status;
  partial.reason = std::move(reason);
  return std::move(partial);
}

}  // namespace

std::int64_t suket_expiry(std::int64_t issued_at_s) {
  using namespace std::chrono;
  EKTP_ASSERT(issued_at_s >= 0 && issued_at_s <= kTimeMaxS);
  const std::int64_t local_s = issued_at_s + kJakartaOffsetS;
  const sys_days day = floor<days>(sys_seconds{seconds{local_s}});
  const std::int64_t day_start_s = day.time_since_epoch().count() * 86'400;
  year_month_day date = year_month_day{day} + months{6};
  if (!date.ok()) date = date.year() / date.month() / last;
  const std::int64_t expiry_day_s = sys_days{date}.time_since_epoch().count() * 86'400;
  return expiry_day_s + (local_s - day_start_s) - kJakartaOffsetS;
}

Result<std::string> encode_suket(const SuketClaims& claims, const SigningKey& issuer_key) {
  EKTP_RETURN_IF_ERROR(validate_claims(claims));
  const std::vector<std::uint8_t> cose = cose_sign1(encode_cwt_claims(claims), issuer_key);
  EKTP_ASSERT(cose.size() <= kSuketInflatedBytesMax);  // the limits above keep it to a few KiB
  std::string text = base45_encode(zlib_compress(cose));
  if (text.size() > kSuketQrCharsMax) {
    return refusal(ErrorCode::kResourceExhausted, "suket_too_large",
                   "the QR text would be " + std::to_string(text.size()) +
                       " characters, more than " + std::to_string(kSuketQrCharsMax) +
                       "; use a smaller face image");
  }
  return text;
}

Result<std::vector<std::uint8_t>> suket_cose_bytes(std::string_view qr_text) {
  if (qr_text.size() > kSuketQrCharsMax) {
    return refusal(ErrorCode::kInvalidArgument, "qr",
                   "qr: " + std::to_string(qr_text.size()) + " characters, more than " +
                       std::to_string(kSuketQrCharsMax));
  }
  EKTP_ASSIGN_OR_RETURN(const std::vector<std::uint8_t> compressed, base45_decode(qr_text));
  return zlib_inflate_bounded(compressed, kSuketInflatedBytesMax);
}

std::string suket_id_of_signature(std::span<const std::uint8_t> cose_signature) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), cose_signature.data(), cose_signature.size());
  return hex_of(std::span(digest).first(kSuketIdBytes));
}

Result<std::string> suket_id(std::string_view qr_text) {
  EKTP_ASSIGN_OR_RETURN(const std::vector<std::uint8_t> cose, suket_cose_bytes(qr_text));
  EKTP_ASSIGN_OR_RETURN(const CoseSign1Parts parts, parse_cose_sign1(cose, kSuketInflatedBytesMax));
  return suket_id_of_signature(parts.signature);
}

std::string_view suket_status_name(SuketStatus status) {
  switch (status) {
    case SuketStatus::kValid:
      return "valid";
    case SuketStatus::kExpired:
      return "expired";
    case SuketStatus::kSuperseded:
      return "superseded";
    case SuketStatus::kUnknownIssuer:
      return "unknown_issuer";
    case SuketStatus::kForged:
      return "forged";
    case SuketStatus::kMalformed:
      return "malformed";
  }
  return "malformed";
}

SuketVerdict verify_suket(std::string_view qr_text, const TrustList& keys,
                          const SupersededList* superseded, std::int64_t now_s) {
  auto cose = suket_cose_bytes(qr_text);
  if (!cose) return verdict(SuketStatus::kMalformed, cose.error().message);
  auto parts = parse_cose_sign1(*cose, kSuketInflatedBytesMax);
  if (!parts) return verdict(SuketStatus::kMalformed, parts.error().message);

  SuketVerdict partial;
  partial.kid_hex = hex_of(parts->kid);
  partial.id = suket_id_of_signature(parts->signature);
  const IssuerKey* key = keys.find(parts->kid);
  if (key == nullptr) {
    return verdict(
        SuketStatus::kUnknownIssuer,
        "kid " + partial.kid_hex + " is not in the trust list of " + utc_text(keys.issued_at_s),
        std::move(partial));
  }
  if (!verify_ed25519(key->public_key, cose_sig_structure(parts->protected_header, parts->payload),
                      parts->signature)) {
    return verdict(
        SuketStatus::kForged,
        "the signature does not verify with key " + partial.kid_hex + " of " + key->issuer,
        std::move(partial));
  }
  auto claims = decode_cwt_claims(parts->payload);
  if (!claims) return verdict(SuketStatus::kMalformed, claims.error().message, std::move(partial));
  if (claims->issuer != key->issuer) {
    return verdict(SuketStatus::kUnknownIssuer,
                   "key " + partial.kid_hex + " is " + key->issuer +
                       "'s, but the credential names " + claims->issuer + " as its issuer",
                   std::move(partial));
  }
  if (claims->issued_at_s < key->not_before_s || claims->issued_at_s > key->not_after_s) {
    return verdict(SuketStatus::kUnknownIssuer,
                   "key " + partial.kid_hex + " signs from " + utc_text(key->not_before_s) +
                       " to " + utc_text(key->not_after_s) + ", not at iat " +
                       utc_text(claims->issued_at_s),
                   std::move(partial));
  }
  partial.claims = std::move(*claims);
  if (superseded != nullptr && superseded->contains(partial.id)) {
    return verdict(SuketStatus::kSuperseded,
                   "SUKET " + partial.id + " is on the superseded list of " +
                       utc_text(superseded->issued_at_s) + "; a newer one was issued",
                   std::move(partial));
  }
  if (now_s >= partial.claims->expires_at_s) {
    return verdict(SuketStatus::kExpired, "expired at " + utc_text(partial.claims->expires_at_s),
                   std::move(partial));
  }
  return verdict(SuketStatus::kValid, "", std::move(partial));
}

}  // namespace ektp::card
