// The CBOR (RFC 8949) that SUKET credentials are made of, over libcbor's low-level encoder and
// streaming decoder: CborWriter appends items in the deterministic encoding (shortest heads,
// definite lengths only); CborReader walks untrusted bytes one item head at a time and never
// builds a tree, so a declared length of 2^64 costs nothing and every read is bounded by the
// bytes actually present. Not thread-safe per object; the objects are cheap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace ektp::card {

class CborWriter {
 public:
  void unsigned_int(std::uint64_t value);
  void signed_int(std::int64_t value);
  void bytes(std::span<const std::uint8_t> value);
  void text(std::string_view value);
  void array(std::size_t items);
  void map(std::size_t pairs);
  void tag(std::uint64_t value);

  const std::vector<std::uint8_t>& data() const { return data_; }
  std::vector<std::uint8_t> take() { return std::move(data_); }

 private:
  std::vector<std::uint8_t> data_;
};

enum class CborKind { kUnsigned, kNegative, kBytes, kText, kArray, kMap, kTag, kOther };
std::string_view cbor_kind_name(CborKind kind);

struct CborItem {
  CborKind kind = CborKind::kOther;
  // kUnsigned: the value; kNegative: n where the value is -1 - n; kArray/kMap: items/pairs
  // declared; kTag: the tag number.
  std::uint64_t value = 0;
  std::span<const std::uint8_t> content;  // kBytes, kText: the string's bytes
  std::size_t offset = 0;                 // where the item's head begins, from 0
};

// Limits on one document, whatever it claims about itself.
inline constexpr std::size_t kCborItemsMax = 4096;
inline constexpr std::size_t kCborDepthMax = 8;

// Errors are kInvalidArgument with reason "cbor" and a message naming the document and the byte:
// "cbor: payload byte 41: truncated, the item needs 1200 more bytes".
class CborReader {
 public:
  // `document` names the bytes in messages ("COSE_Sign1", "payload").
  CborReader(std::span<const std::uint8_t> bytes, std::string document);

  Result<CborItem> next();
  // One whole item, with everything nested in it, up to kCborDepthMax deep.
  Status skip();

  // The next item as a given kind; `field` names it in the message ("claim 169 key 4").
  Result<std::uint64_t> read_unsigned(std::string_view field);
  Result<std::int64_t> read_int(std::string_view field);  // unsigned or negative, within int64
  Result<std::span<const std::uint8_t>> read_bytes(std::string_view field, std::size_t bytes_max);
  Result<std::string_view> read_text(std::string_view field, std::size_t bytes_max);
  // A definite array or map head with at most `max` items (pairs for a map).
  Result<std::size_t> read_array(std::string_view field, std::size_t items_max);
  Result<std::size_t> read_map(std::string_view field, std::size_t pairs_max);

  bool at_end() const { return offset_ == bytes_.size(); }
  std::size_t offset() const { return offset_; }
  // kInvalidArgument at `offset` in this document ("cbor: payload byte 12: …").
  std::unexpected<Error> error_at(std::size_t offset, std::string_view what) const;

 private:
  Status skip_nested(std::size_t depth);

  std::span<const std::uint8_t> bytes_;
  std::string document_;
  std::size_t offset_ = 0;
  std::size_t items_read_ = 0;
};

}  // namespace ektp::card
