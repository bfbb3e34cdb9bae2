#include "card/der.h"

#include <algorithm>
#include <charconv>
#include <ctime>

#include <fmt/format.h>

namespace ektp::card::der {

namespace {

void append_base128(Bytes& out, std::uint64_t value) {
  std::uint8_t digits[10];
  int n = 0;
  do {
    digits[n++] = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
  } while (value != 0);
  while (n-- > 0) out.push_back(static_cast<std::uint8_t>(digits[n] | (n > 0 ? 0x80 : 0x00)));
}

}  // namespace

Bytes oid(std::string_view dotted) {
  std::vector<std::uint64_t> arcs;
  while (!dotted.empty()) {
    const auto dot = dotted.find('.');
    const auto part = dotted.substr(0, dot);
    std::uint64_t arc = 0;
    std::from_chars(part.data(), part.data() + part.size(), arc);
    arcs.push_back(arc);
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
  }
  Bytes value;
  if (arcs.size() >= 2) append_base128(value, arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) append_base128(value, arcs[i]);
  return encode_tlv(kOid, value);
}

Result<std::string> oid_text(std::span<const std::uint8_t> value) {
  if (value.empty() || value.size() > 64 || (value.back() & 0x80) != 0) {
    return refusal(ErrorCode::kInvalidArgument, "asn1_malformed", "an OBJECT IDENTIFIER that is empty, too long or cut short");
  }
  std::string text;
  std::uint64_t arc = 0;
  bool first = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (arc == 0 && value[i] == 0x80) {
      return refusal(ErrorCode::kInvalidArgument, "asn1_malformed", "an OBJECT IDENTIFIER arc with a leading 0x80");
    }
    if (arc > (std::uint64_t{1} << 56)) return refusal(ErrorCode::kInvalidArgument, "asn1_malformed", "an OID arc too large");
    arc = (arc << 7) | (value[i] & 0x7F);
    if ((value[i] & 0x80) != 0) continue;
    if (first) {
      const std::uint64_t top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
      text = fmt::format("{}.{}", top, arc - top * 40);
      first = false;
    } else {
      text += fmt::format(".{}", arc);
    }
    arc = 0;
  }
  return text;
}

Bytes integer(std::uint64_t value) {
  Bytes magnitude;
  for (int shift = 56; shift >= 0; shift -= 8) {
    const auto b = static_cast<std::uint8_t>(value >> shift);
    if (!magnitude.empty() || b != 0) magnitude.push_back(b);
  }
  return unsigned_integer(magnitude);
}

Bytes unsigned_integer(std::span<const std::uint8_t> magnitude) {
  auto first = std::find_if(magnitude.begin(), magnitude.end(), [](std::uint8_t b) { return b != 0; });
  Bytes value;
  if (first == magnitude.end() || (*first & 0x80) != 0) value.push_back(0x00);
  value.insert(value.end(), first, magnitude.end());
  return encode_tlv(kInteger, value);
}

Result<std::uint64_t> small_integer(const Tlv& object) {
  if (object.tag != kInteger || object.value.empty() || object.value.size() > 8 || (object.value[0] & 0x80) != 0) {
    return refusal(ErrorCode::kInvalidArgument, "asn1_malformed",
                   fmt::format("expected a small non-negative INTEGER, found tag {:X} of {} bytes", object.tag,
                               object.value.size()));
  }
  std::uint64_t v = 0;
  for (const auto b : object.value) v = (v << 8) | b;
  return v;
}

Bytes octet_string(std::span<const std::uint8_t> bytes) { return encode_tlv(kOctetString, bytes); }

Bytes sequence(const std::vector<Bytes>& children) { return encode_constructed(kSequence, children); }

Bytes set_of(std::vector<Bytes> children) {
  std::sort(children.begin(), children.end());
  return encode_constructed(kSet, children);
}

Bytes context(int n, const std::vector<Bytes>& children) {
  return encode_constructed(static_cast<std::uint32_t>(0xA0 + n), children);
}

Bytes utc_time(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  const auto text = fmt::format("{:02}{:02}{:02}{:02}{:02}{:02}Z", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
                                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return encode_tlv(kUtcTime, text);
}

Bytes algorithm(std::string_view dotted) { return sequence({oid(dotted)}); }

}  // namespace ektp::card::der
