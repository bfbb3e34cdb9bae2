// The two signed lists a SUKET verifier needs besides the credential itself, both published as
// JSON and signed with Ed25519 by the root key, whose public key the verifier has built in:
//   - the trust list: which issuer keys may sign SUKETs, for which office, and when;
//   - the superseded list: SUKETs replaced by a newer one (reprinted, corrected), by suket id.
// Pure functions; values are immutable once parsed, so thread-safe to share.
//
// JSON forms (UTF-8, every string within [A-Za-z0-9:._/-], every number an integer in
// 0 … 2^53 - 1 so JavaScript reads it exactly):
//
//   trust list:
//   {"issued_at":1767225600,
//    "keys":[{"kid":"<16 hex>","alg":"EdDSA","issuer":"ektp:3327",
//             "public_key":"<43 base64url>","not_before":1767225600,"not_after":1830297600}],
//    "signature":"<86 base64url>","signed_by":"<16 hex: kid of the root key>"}
//
//   superseded list:
//   {"issued_at":1767225600,"superseded":["<32 hex: suket id>", …],
//    "signature":"<86 base64url>","signed_by":"<16 hex>"}
//
// kid: the first 8 bytes of SHA-256 of the 32-byte public key, lower-case hex; public_key and
// signature: unpadded base64url (RFC 4648 §5); times: seconds since 1970-01-01T00:00:00Z.
// issuer: the office that issues, "ektp:" and its region code ("ektp:3327" for Kabupaten
// Pemalang's Dinas Dukcapil); it must equal the credential's CWT iss. A key verifies a SUKET
// only if the SUKET's iat lies within [not_before, not_after].
//
// Signing bytes: the UTF-8 of the same object without its "signature" member, members in the
// order shown above, no whitespace, no escapes (none is ever needed):
//   {"issued_at":N,"keys":[{"kid":"…","alg":"EdDSA","issuer":"…","public_key":"…",
//    "not_before":N,"not_after":N},…],"signed_by":"…"}
//   {"issued_at":N,"superseded":["…",…],"signed_by":"…"}
// In JavaScript that is JSON.stringify of an object built in that order from the parsed values.
// A verifier rebuilds these bytes from the values it parsed, never from the text it received,
// so members it did not understand cannot ride along: unknown members are refused.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "card/suket_signing_key.h"
#include "core/error.h"

namespace ektp::card {

// Limits. About 550 offices issue; a retired key can leave the list 6 months after its last
// SUKET, when all it signed have expired, so 1,024 keys leave room for rotation.
inline constexpr std::size_t kTrustListBytesMax = 256 << 10;
inline constexpr std::size_t kTrustListKeysMax = 1024;
inline constexpr std::size_t kSupersededListBytesMax = 2 << 20;
inline constexpr std::size_t kSupersededListIdsMax = 50'000;
inline constexpr std::size_t kIssuerBytesMax = 64;
inline constexpr std::int64_t kJsonIntegerMax = (std::int64_t{1} << 53) - 1;

// kInvalidArgument unless `issuer` is 1–64 characters of [A-Za-z0-9:._/-].
Status validate_suket_issuer(std::string_view issuer);

struct IssuerKey {
  KeyId kid{};             // always key_id_of(public_key)
  std::string issuer;      // "ektp:3327"
  PublicKey public_key{};  // Ed25519 ("alg":"EdDSA", COSE alg -8)
  std::int64_t not_before_s = 0;
  std::int64_t not_after_s = 0;
};

struct TrustList {
  std::int64_t issued_at_s = 0;
  std::vector<IssuerKey> keys;

  // The key with this kid, or nullptr.
  const IssuerKey* find(std::span<const std::uint8_t> kid) const;
};

// The bytes the root key signs (see the top of this file).
std::string trust_list_signing_text(const TrustList& list, std::string_view signed_by_hex);
// The signed JSON. kInvalidArgument for a list that breaks the rules above (a kid that is not
// its key's, not_before after not_after, a bad issuer, a number out of range, duplicate kids);
// kResourceExhausted for more than kTrustListKeysMax keys.
Result<std::string> sign_trust_list(const TrustList& list, const SigningKey& root_key);
// Refuses, with Error::reason:
//   "trust_list_too_large"    kResourceExhausted: over kTrustListBytesMax or kTrustListKeysMax
//   "trust_list_malformed"    kInvalidArgument: not JSON, wrong shape, a bad value, which named
//   "trust_list_wrong_root"   kUnauthenticated: signed_by is not the kid of `root_public_key`
//   "trust_list_bad_signature" kUnauthenticated: the signature does not verify
Result<TrustList> parse_trust_list(std::string_view json, const PublicKey& root_public_key);

struct SupersededList {
  std::int64_t issued_at_s = 0;
  std::vector<std::string> ids;  // suket_id() values, 32 lower-case hex digits

  bool contains(std::string_view suket_id) const;
};

std::string superseded_list_signing_text(const SupersededList& list,
                                         std::string_view signed_by_hex);
// kInvalidArgument for an id that is not 32 lower-case hex digits or a time out of range;
// kResourceExhausted for more than kSupersededListIdsMax ids.
Result<std::string> sign_superseded_list(const SupersededList& list, const SigningKey& root_key);
// The same refusals as parse_trust_list, with reasons "superseded_list_too_large",
// "superseded_list_malformed", "superseded_list_wrong_root", "superseded_list_bad_signature".
Result<SupersededList> parse_superseded_list(std::string_view json,
                                             const PublicKey& root_public_key);

}  // namespace ektp::card
