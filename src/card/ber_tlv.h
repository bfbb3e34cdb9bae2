// BER-TLV as smart cards and the ICAO LDS use it (ISO/IEC 7816-4 §5.2, ICAO 9303 Part 10): tags
// of one to three bytes, definite lengths (short form, 81, 82 and 83), constructed objects holding
// others. Reading is bounded — depth, total size, object count — and refuses what is malformed,
// naming the byte offset, so a hostile card or file cannot crash or exhaust a reader. Pure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"

namespace ektp::card {

inline constexpr std::size_t kTlvDepthMax = 8;
inline constexpr std::size_t kTlvBytesMax = 1u << 20;   // a data group with a face image fits
inline constexpr std::size_t kTlvObjectsMax = 4096;

struct Tlv {
  std::uint32_t tag = 0;            // as written: 0x61, 0x5F1F, 0x7F2E …
  std::vector<std::uint8_t> value;  // the value bytes (for a constructed tag, its children encoded)
  std::vector<Tlv> children;        // parsed when the tag is constructed (bit 6 of its first byte)
  bool constructed() const;
  // The first child with `tag`, or nullptr.
  const Tlv* find(std::uint32_t tag) const;
};

// Tag, length and value; for a constructed object built from children, use tlv_of(tag, children).
std::vector<std::uint8_t> encode_tlv(std::uint32_t tag, std::span<const std::uint8_t> value);
std::vector<std::uint8_t> encode_tlv(std::uint32_t tag, std::string_view text);
std::vector<std::uint8_t> encode_constructed(std::uint32_t tag, const std::vector<std::vector<std::uint8_t>>& children);

// Exactly one object spanning all of `bytes` (kInvalidArgument naming the offset otherwise).
Result<Tlv> parse_tlv(std::span<const std::uint8_t> bytes);
// The objects one after another in `bytes`.
Result<std::vector<Tlv>> parse_tlv_sequence(std::span<const std::uint8_t> bytes);

}  // namespace ektp::card
