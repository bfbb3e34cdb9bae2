// EF.SOD, the chip's Document Security Object (ICAO 9303 Part 10 §4.6.2 and Part 11 §5.1): a CMS
// SignedData (RFC 5652) whose content is the LDSSecurityObject — the SHA-256 of every data group —
// signed by a Document Signer, its certificate carried inside. Writing is ours (the signature comes
// from an HSM through `DigestSigner`, which OpenSSL's CMS writer cannot call); reading parses the
// CMS with OpenSSL and the LDSSecurityObject with our bounded TLV reader. Checking it is
// passive_authentication.h. Pure.
//
// What we write, as ICAO asks: SignedData version 3; one digest algorithm (SHA-256);
// eContentType id-icao-mrtd-security-ldsSecurityObject (2.23.136.1.1.1); the DS certificate in
// `certificates`; one SignerInfo (version 1, issuer and serial of the DS) with the signed
// attributes contentType, signingTime and messageDigest, signed with ecdsa-with-SHA256. The
// LDSSecurityObject is version 0 (no LDS version info), hash algorithm SHA-256 with no parameters.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::card {

inline constexpr std::string_view kLdsSecurityObjectOid = "2.23.136.1.1.1";
inline constexpr std::string_view kSha256Oid = "2.16.840.1.101.3.4.2.1";
inline constexpr std::string_view kSha384Oid = "2.16.840.1.101.3.4.2.2";
inline constexpr std::string_view kSha512Oid = "2.16.840.1.101.3.4.2.3";
inline constexpr std::string_view kEcdsaWithSha256Oid = "1.2.840.10045.4.3.2";
inline constexpr std::size_t kEfSodBytesMax = 16 * 1024;

struct LdsSecurityObject {
  std::string hash_algorithm = std::string(kSha256Oid);  // dotted OID
  std::map<int, std::vector<std::uint8_t>> hashes;        // data group 1..16 → its hash
};

std::vector<std::uint8_t> encode_lds_security_object(const LdsSecurityObject& object);
// kInvalidArgument (reason sod_malformed) for what is not one: a version other than 0 or 1, a data
// group outside 1–16 or listed twice, a hash of the wrong length; reason sod_unknown_algorithm for
// a hash algorithm other than SHA-256, SHA-384 or SHA-512.
Result<LdsSecurityObject> parse_lds_security_object(std::span<const std::uint8_t> der);

// Signs a 32-byte SHA-256 digest; returns a DER ECDSA-Sig-Value (the HSM's r‖s converted).
using DigestSigner = std::function<Result<std::vector<std::uint8_t>>(std::span<const std::uint8_t> digest)>;

struct SodSigning {
  std::vector<std::uint8_t> ds_certificate;  // DER
  DigestSigner sign;
  std::int64_t signing_time = 0;             // seconds since 1970, UTC
};

// The SHA-256 of each data group's whole file (tag, length and value), signed: the bytes of
// EF.SOD (tag 77 around the ContentInfo).
Result<std::vector<std::uint8_t>> make_ef_sod(const std::map<int, std::vector<std::uint8_t>>& data_groups,
                                              const SodSigning& signing);

// What a card's EF.SOD says, before anything in it is trusted.
struct SodContents {
  std::vector<std::uint8_t> content_info;  // the CMS ContentInfo (EF.SOD without its tag 77)
  LdsSecurityObject security_object;
};
// kInvalidArgument naming what is wrong: not tag 77, not CMS SignedData (reason sod_malformed), an
// eContentType other than the LDSSecurityObject's (reason sod_unknown_content), or a security
// object parse_lds_security_object refuses.
Result<SodContents> read_ef_sod(std::span<const std::uint8_t> ef_sod);

// The hash of `bytes` with the algorithm of that OID (one of the three above).
std::vector<std::uint8_t> lds_hash(std::string_view algorithm_oid, std::span<const std::uint8_t> bytes);

}  // namespace ektp::card
