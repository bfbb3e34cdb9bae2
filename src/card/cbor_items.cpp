#include "card/cbor_items.h"

#include <cbor.h>

#include <array>
#include <limits>

#include "core/assert.h"

namespace ektp::card {
namespace {

// libcbor's encoders write a head into a buffer and return its length (0 if it did not fit);
// a CBOR head is at most 9 bytes.
template <class Encode>
void append_head(std::vector<std::uint8_t>& data, Encode encode) {
  std::array<unsigned char, 9> head{};
  const std::size_t length = encode(head.data(), head.size());
  EKTP_ASSERT(length > 0 && length <= head.size());
  data.insert(data.end(), head.begin(), head.begin() + static_cast<std::ptrdiff_t>(length));
}

// The streaming decoder reports each head through a callback; these record it in a CborItem.
CborItem* item_of(void* context) { return static_cast<CborItem*>(context); }
void set_head(void* context, CborKind kind, std::uint64_t value) {
  item_of(context)->kind = kind;
  item_of(context)->value = value;
}
void set_unsigned(void* c, std::uint64_t v) { set_head(c, CborKind::kUnsigned, v); }
void set_negative(void* c, std::uint64_t v) { set_head(c, CborKind::kNegative, v); }

cbor_callbacks make_callbacks() {
  cbor_callbacks callbacks = cbor_empty_callbacks;
  callbacks.uint8 = [](void* c, std::uint8_t v) { set_unsigned(c, v); };
  callbacks.uint16 = [](void* c, std::uint16_t v) { set_unsigned(c, v); };
  callbacks.uint32 = [](void* c, std::uint32_t v) { set_unsigned(c, v); };
  callbacks.uint64 = [](void* c, std::uint64_t v) { set_unsigned(c, v); };
  callbacks.negint8 = [](void* c, std::uint8_t v) { set_negative(c, v); };
  callbacks.negint16 = [](void* c, std::uint16_t v) { set_negative(c, v); };
  callbacks.negint32 = [](void* c, std::uint32_t v) { set_negative(c, v); };
  callbacks.negint64 = [](void* c, std::uint64_t v) { set_negative(c, v); };
  // libcbor 0.8 names these oddly: `byte_string` and `string` carry a definite string's bytes;
  // the *_start ones open indefinite strings, which a deterministic encoding never has.
  callbacks.byte_string = [](void* c, cbor_data data, std::size_t length) {
    item_of(c)->kind = CborKind::kBytes;
    item_of(c)->content = {data, length};
  };
  callbacks.string = [](void* c, cbor_data data, std::size_t length) {
    item_of(c)->kind = CborKind::kText;
    item_of(c)->content = {data, length};
  };
  callbacks.array_start = [](void* c, std::size_t n) { set_head(c, CborKind::kArray, n); };
  callbacks.map_start = [](void* c, std::size_t n) { set_head(c, CborKind::kMap, n); };
  callbacks.tag = [](void* c, std::uint64_t v) { set_head(c, CborKind::kTag, v); };
  // Everything else (indefinite lengths, floats, simple values, breaks) stays kOther.
  return callbacks;
}
const cbor_callbacks kCallbacks = make_callbacks();

}  // namespace

void CborWriter::unsigned_int(std::uint64_t value) {
  append_head(data_,
              [&](unsigned char* b, std::size_t n) { return cbor_encode_uint(value, b, n); });
}

void CborWriter::signed_int(std::int64_t value) {
  if (value >= 0) return unsigned_int(static_cast<std::uint64_t>(value));
  // CBOR stores a negative value v as n = -1 - v, which for int64 never overflows as ~v.
  const auto n = static_cast<std::uint64_t>(~value);
  append_head(data_,
              [&](unsigned char* b, std::size_t size) { return cbor_encode_negint(n, b, size); });
}

void CborWriter::bytes(std::span<const std::uint8_t> value) {
  append_head(data_, [&](unsigned char* b, std::size_t n) {
    return cbor_encode_bytestring_start(value.size(), b, n);
  });
  data_.insert(data_.end(), value.begin(), value.end());
}

void CborWriter::text(std::string_view value) {
  append_head(data_, [&](unsigned char* b, std::size_t n) {
    return cbor_encode_string_start(value.size(), b, n);
  });
  data_.insert(data_.end(), value.begin(), value.end());
}

void CborWriter::array(std::size_t items) {
  append_head(
      data_, [&](unsigned char* b, std::size_t n) { return cbor_encode_array_start(items, b, n); });
}

void CborWriter::map(std::size_t pairs) {
  append_head(data_,
              [&](unsigned char* b, std::size_t n) { return cbor_encode_map_start(pairs, b, n); });
}

void CborWriter::tag(std::uint64_t value) {
  append_head(data_, [&](unsigned char* b, std::size_t n) { return cbor_encode_tag(value, b, n); });
}

std::string_view cbor_kind_name(CborKind kind) {
  switch (kind) {
    case CborKind::kUnsigned:
      return "an unsigned integer";
    case CborKind::kNegative:
      return "a negative integer";
    case CborKind::kBytes:
      return "a byte string";
    case CborKind::kText:
      return "a text string";
    case CborKind::kArray:
      return "an array";
    case CborKind::kMap:
      return "a map";
    case CborKind::kTag:
      return "a tag";
    case CborKind::kOther:
      return "an item of another kind";
  }
  return "an unknown item";
}

CborReader::CborReader(std::span<const std::uint8_t> bytes, std::string document)
    : bytes_(bytes), document_(std::move(document)) {}

std::unexpected<Error> CborReader::error_at(std::size_t offset, std::string_view what) const {
  return refusal(
      ErrorCode::kInvalidArgument, "cbor",
      "cbor: " + document_ + " byte " + std::to_string(offset) + ": " + std::string(what));
}

Result<CborItem> CborReader::next() {
  if (items_read_ >= kCborItemsMax) {
    return error_at(offset_, "more than " + std::to_string(kCborItemsMax) + " items");
  }
  if (at_end()) return error_at(offset_, "truncated, an item was expected");
  CborItem item;
  item.offset = offset_;
  // libcbor 0.8's streaming decoder refuses the one-byte heads of tags 6–23 (0xC6–0xD7) as
  // "unassigned", and COSE_Sign1 is tag 18 (0xD2); those heads carry their value in the byte.
  const std::uint8_t initial = bytes_[offset_];
  if (initial >= 0xC6 && initial <= 0xD7) {
    item.kind = CborKind::kTag;
    item.value = initial & 0x1F;
    offset_ += 1;
    ++items_read_;
    return item;
  }
  const cbor_decoder_result result =
      cbor_stream_decode(bytes_.data() + offset_, bytes_.size() - offset_, &kCallbacks, &item);
  if (result.status == CBOR_DECODER_NEDATA) {
    return error_at(offset_, "truncated, the item needs " +
                                 std::to_string(result.required - (bytes_.size() - offset_)) +
                                 " more bytes");
  }
  if (result.status != CBOR_DECODER_FINISHED || result.read == 0) {
    return error_at(offset_, "not well-formed CBOR");
  }
  EKTP_ASSERT(result.read <= bytes_.size() - offset_);
  offset_ += result.read;
  ++items_read_;
  return item;
}

Status CborReader::skip() { return skip_nested(0); }

Status CborReader::skip_nested(std::size_t depth) {
  EKTP_ASSIGN_OR_RETURN(const CborItem item, next());
  if (item.kind == CborKind::kOther) {
    return error_at(item.offset, "indefinite lengths, floats and simple values are not used");
  }
  const bool nested =
      item.kind == CborKind::kArray || item.kind == CborKind::kMap || item.kind == CborKind::kTag;
  if (!nested) return {};
  if (depth + 1 >= kCborDepthMax) {
    return error_at(item.offset, "nested more than " + std::to_string(kCborDepthMax) + " deep");
  }
  // A declared count far past the bytes left ends in "truncated" after at most that many bytes;
  // the item budget bounds the loop as well.
  std::uint64_t children = item.kind == CborKind::kTag ? 1 : item.value;
  if (item.kind == CborKind::kMap) {
    if (children > std::numeric_limits<std::uint64_t>::max() / 2) {
      return error_at(item.offset, "a map of impossible size");
    }
    children *= 2;
  }
  for (std::uint64_t i = 0; i < children; ++i) {
    EKTP_RETURN_IF_ERROR(skip_nested(depth + 1));
  }
  return {};
}

namespace {
std::string kind_mismatch(std::string_view field, const CborItem& item, std::string_view wanted) {
  return std::string(field) + " is " + std::string(cbor_kind_name(item.kind)) + ", not " +
         std::string(wanted);
}
}  // namespace

Result<std::uint64_t> CborReader::read_unsigned(std::string_view field) {
  EKTP_ASSIGN_OR_RETURN(const CborItem item, next());
  if (item.kind != CborKind::kUnsigned) {
    return error_at(item.offset, kind_mismatch(field, item, "an unsigned integer"));
  }
  return item.value;
}

Result<std::int64_t> CborReader::read_int(std::string_view field) {
  EKTP_ASSIGN_OR_RETURN(const CborItem item, next());
  constexpr auto int_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (item.kind == CborKind::kUnsigned && item.value <= int_max) {
    return static_cast<std::int64_t>(item.value);
  }
  if (item.kind == CborKind::kNegative && item.value <= int_max) {
    return -1 - static_cast<std::int64_t>(item.value);
  }
  if (item.kind == CborKind::kUnsigned || item.kind == CborKind::kNegative) {
    return error_at(item.offset, std::string(field) + " is past the 64-bit range");
  }
  return error_at(item.offset, kind_mismatch(field, item, "an integer"));
}

Result<std::span<const std::uint8_t>> CborReader::read_bytes(std::string_view field,
                                                             std::size_t bytes_max) {
  EKTP_ASSIGN_OR_RETURN(const CborItem item, next());
  if (item.kind != CborKind::kBytes)
    return error_at(item.offset, kind_mismatch(field, item, "a byte string"));
  if (item.content.size() > bytes_max) {
    return error_at(item.offset, std::string(field) + " is " + std::to_string(item.content.size()) +
                                     " bytes, more than " + std::to_string(bytes_max));
  }
  return item.content;
}

Result<std::string_view> CborReader::read_text(std::string_view field, std::size_t bytes_max) {
  EKTP_ASSIGN_OR_RETURN(const CborItem item, next());
  if (item.kind != CborKind::kText)
    return error_at(item.offset, kind_mismatch(field, item, "a text string"));
  if (item.content.size() > bytes_max) {
    return error_at(item.offset, std::string(field) + " is " + std::to_string(item.content.size()) +
                                     " bytes, more than " + std::to_string(bytes_max));
  }
  return std::string_view(reinterpret_cast<const char*>(item.content.data()), item.content.size());
}

Result<std::size_t> CborReader::read_array(std::string_view field, std::size_t items_max) {
  EKTP_ASSIGN_OR_RETURN(const CborItem item, next());
  if (item.kind != CborKind::kArray)
    return error_at(item.offset, kind_mismatch(field, item, "an array"));
  if (item.value > items_max) {
    return error_at(item.offset, std::string(field) + " has " + std::to_string(item.value) +
                                     " items, more than " + std::to_string(items_max));
  }
  return static_cast<std::size_t>(item.value);
}

Result<std::size_t> CborReader::read_map(std::string_view field, std::size_t pairs_max) {
  EKTP_ASSIGN_OR_RETURN(const CborItem item, next());
  if (item.kind != CborKind::kMap)
    return error_at(item.offset, kind_mismatch(field, item, "a map"));
  if (item.value > pairs_max) {
    return error_at(item.offset, std::string(field) + " has " + std::to_string(item.value) +
                                     " entries, more than " + std::to_string(pairs_max));
  }
  return static_cast<std::size_t>(item.value);
}

}  // namespace ektp::card
