// DER (ITU-T X.690) for the ASN.1 the chip's security object needs: the LDSSecurityObject of ICAO
// 9303 Part 10 and CMS SignedData (RFC 5652) around it. Writing builds on ber_tlv.h (DER is BER
// with one form: minimal lengths, SET OF sorted); reading walks what parse_tlv has already bounded.
// OpenSSL parses the CMS on the reader's side; these are for what OpenSSL cannot write for us (a
// signature made in an HSM) and for the LDS's own types. Pure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "card/ber_tlv.h"

namespace ektp::card::der {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint32_t kInteger = 0x02, kBitString = 0x03, kOctetString = 0x04, kNull = 0x05,
                               kOid = 0x06, kUtf8String = 0x0C, kPrintableString = 0x13, kUtcTime = 0x17,
                               kGeneralizedTime = 0x18, kSequence = 0x30, kSet = 0x31;

// An OBJECT IDENTIFIER from its dotted text ("2.23.136.1.1.1"); the text must be a valid OID
// (these are our constants: a bad one is a programming error, checked by the tests).
Bytes oid(std::string_view dotted);
// The dotted text of an OID's value bytes; kInvalidArgument when they are not one.
Result<std::string> oid_text(std::span<const std::uint8_t> value);

Bytes integer(std::uint64_t value);
// A non-negative INTEGER from its big-endian magnitude (a certificate serial).
Bytes unsigned_integer(std::span<const std::uint8_t> magnitude);
// A small non-negative INTEGER's value; kInvalidArgument for a negative, empty or too-long one.
Result<std::uint64_t> small_integer(const Tlv& object);

Bytes octet_string(std::span<const std::uint8_t> bytes);
Bytes sequence(const std::vector<Bytes>& children);
// SET OF: the children sorted by their encodings (X.690 §11.6), as DER requires.
Bytes set_of(std::vector<Bytes> children);
// [n] EXPLICIT / constructed context-specific: A0+n around the children.
Bytes context(int n, const std::vector<Bytes>& children);
// UTCTime YYMMDDHHMMSSZ (years 1950–2049), from seconds since 1970 (UTC).
Bytes utc_time(std::int64_t unix_seconds);
// An AlgorithmIdentifier with no parameters.
Bytes algorithm(std::string_view dotted);

}  // namespace ektp::card::der
