#include "card/ber_tlv.h"

#include <fmt/format.h>

namespace ektp::card {

namespace {

std::unexpected<Error> malformed(std::size_t offset, std::string what) {
  return refusal(ErrorCode::kInvalidArgument, "tlv_malformed", fmt::format("TLV at byte {}: {}", offset, what));
}

bool constructed_tag(std::uint32_t tag) {
  std::uint32_t first = tag;
  while (first > 0xFF) first >>= 8;
  return (first & 0x20) != 0;
}

void append_tag(std::vector<std::uint8_t>& out, std::uint32_t tag) {
  if (tag > 0xFFFF) out.push_back(static_cast<std::uint8_t>(tag >> 16));
  if (tag > 0xFF) out.push_back(static_cast<std::uint8_t>(tag >> 8));
  out.push_back(static_cast<std::uint8_t>(tag));
}

void append_length(std::vector<std::uint8_t>& out, std::size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xFF) {
    out.insert(out.end(), {0x81, static_cast<std::uint8_t>(n)});
  } else if (n <= 0xFFFF) {
    out.insert(out.end(), {0x82, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x83, static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
                           static_cast<std::uint8_t>(n)});
  }
}

struct Reader {
  std::span<const std::uint8_t> all;
  std::size_t objects = 0;

  // One object at `at`, advancing it; children parsed to `depth`.
  Result<Tlv> read(std::size_t& at, std::size_t end, std::size_t depth) {
    if (++objects > kTlvObjectsMax) return malformed(at, fmt::format("more than {} objects", kTlvObjectsMax));
    if (depth > kTlvDepthMax) return malformed(at, fmt::format("nested deeper than {}", kTlvDepthMax));
    const std::size_t start = at;
    if (at >= end) return malformed(at, "a tag is missing");
    std::uint32_t tag = all[at++];
    if ((tag & 0x1F) == 0x1F) {  // more tag bytes follow, each with bit 8 set but the last
      for (int i = 0;; ++i) {
        if (at >= end) return malformed(start, "the tag is cut short");
        if (i == 2) return malformed(start, "a tag of more than three bytes");
        const std::uint8_t b = all[at++];
        tag = (tag << 8) | b;
        if ((b & 0x80) == 0) break;
      }
    }
    if (at >= end) return malformed(at, "the length is missing");
    std::size_t length = all[at++];
    if (length == 0x80) return malformed(at - 1, "indefinite lengths are not allowed");
    if (length > 0x80) {
      const std::size_t bytes = length - 0x80;
      if (bytes > 3) return malformed(at - 1, "a length of more than three bytes");
      if (end - at < bytes) return malformed(at, "the length is cut short");
      length = 0;
      for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | all[at++];
    }
    if (length > end - at) {
      return malformed(start, fmt::format("tag {:X} says {} bytes, {} are left", tag, length, end - at));
    }
    Tlv tlv;
    tlv.tag = tag;
    tlv.value.assign(all.begin() + static_cast<std::ptrdiff_t>(at), all.begin() + static_cast<std::ptrdiff_t>(at + length));
    if (constructed_tag(tag)) {
      std::size_t inner = at;
      while (inner < at + length) {
        EKTP_ASSIGN_OR_RETURN(auto child, read(inner, at + length, depth + 1));
        tlv.children.push_back(std::move(child));
      }
    }
    at += length;
    return tlv;
  }
};

}  // namespace

bool Tlv::constructed() const { return constructed_tag(tag); }

const Tlv* Tlv::find(std::uint32_t wanted) const {
  for (const auto& c : children) {
    if (c.tag == wanted) return &c;
  }
  return nullptr;
}

std::vector<std::uint8_t> encode_tlv(std::uint32_t tag, std::span<const std::uint8_t> value) {
  std::vector<std::uint8_t> out;
  append_tag(out, tag);
  append_length(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

std::vector<std::uint8_t> encode_tlv(std::uint32_t tag, std::string_view text) {
  return encode_tlv(tag, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::vector<std::uint8_t> encode_constructed(std::uint32_t tag, const std::vector<std::vector<std::uint8_t>>& children) {
  std::vector<std::uint8_t> value;
  for (const auto& c : children) value.insert(value.end(), c.begin(), c.end());
  return encode_tlv(tag, value);
}

Result<std::vector<Tlv>> parse_tlv_sequence(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kTlvBytesMax) {
    return refusal(ErrorCode::kInvalidArgument, "tlv_malformed",
                   fmt::format("TLV of {} bytes, at most {}", bytes.size(), kTlvBytesMax));
  }
  Reader reader{bytes};
  std::vector<Tlv> out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    EKTP_ASSIGN_OR_RETURN(auto tlv, reader.read(at, bytes.size(), 0));
    out.push_back(std::move(tlv));
  }
  return out;
}

Result<Tlv> parse_tlv(std::span<const std::uint8_t> bytes) {
  EKTP_ASSIGN_OR_RETURN(auto all, parse_tlv_sequence(bytes));
  if (all.size() != 1) return malformed(0, fmt::format("{} objects where one was expected", all.size()));
  return std::move(all.front());
}

}  // namespace ektp::card
