// COSE_Sign1 (RFC 9052 §4.2) as SUKET credentials use it: tag 18 around
// [protected {1: -8 (EdDSA), 4: kid}, unprotected {}, payload, Ed25519 signature], signed over
// the Sig_structure ["Signature1", protected, h'' (no external data), payload]. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "card/suket_signing_key.h"
#include "core/error.h"

namespace ektp::card {

inline constexpr std::uint64_t kCoseSign1Tag = 18;
inline constexpr std::uint64_t kCwtTag = 61;  // RFC 8392 §6, optional; read, never written
inline constexpr std::int64_t kCoseAlgEdDSA = -8;

// The parts of a COSE_Sign1; the spans point into the bytes it was parsed from.
struct CoseSign1Parts {
  std::span<const std::uint8_t> protected_header;  // the bstr's content, as signed
  std::vector<std::uint8_t> kid;
  std::span<const std::uint8_t> payload;
  std::span<const std::uint8_t> signature;  // always 64 bytes
};

std::vector<std::uint8_t> cose_sig_structure(std::span<const std::uint8_t> protected_header,
                                             std::span<const std::uint8_t> payload);

// Tag 18 and the array, the protected header carrying `key`'s kid, signed by `key`.
std::vector<std::uint8_t> cose_sign1(std::span<const std::uint8_t> payload, const SigningKey& key);

// kInvalidArgument (reason "cbor" or "cose") naming what is missing or wrong and where:
// not tag 18, not 4 items, no alg or not EdDSA, no kid, a signature not 64 bytes, bytes after
// the end. Does not verify the signature.
Result<CoseSign1Parts> parse_cose_sign1(std::span<const std::uint8_t> cose,
                                        std::size_t payload_bytes_max);

}  // namespace ektp::card
