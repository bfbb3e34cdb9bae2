// A streaming JSON Lines reader: one JSON object per line, read one line at a time from a
// DecodedInput, each parsed by a small strict parser for flat objects (the only shape an agency
// file has; no DOM, no allocation per value). A line that is not such an object is returned
// marked invalid with what and where, and reading goes on with the next line. Members are
// string_views into the reader's buffer, valid until the next call.
// Thread-safety: one reader per file, used by one thread at a time.
//
// What a line may hold: one object `{"key": value, ...}`, with JSON whitespace around tokens;
// keys are strings; a value is a string (all escapes, \uXXXX with surrogate pairs, decoded), a
// number (kept as its literal text, so that a NIK written as a number keeps every digit; the
// file layer decides where numbers are accepted) or null (the same as a blank cell). true, false,
// arrays and nested objects are refused. A key that appears twice makes the line invalid.
// Lines end at LF (a CR before it is dropped); empty or all-blank lines are skipped. Limits are
// the CSV ones: line bytes (record_bytes_max; a longer line is invalid and skipped to its end),
// members per object (fields_max), decoded bytes of one key or value (field_bytes_max).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bulk_matching/byte_input.h"
#include "bulk_matching/csv_reader.h"
#include "core/error.h"

namespace ektp::bulk {

enum class JsonValueKind : std::uint8_t { kString, kNumber, kNull };

struct JsonMember {
  std::string_view key;
  std::string_view value;  // decoded string, number literal, or "" for null
  JsonValueKind kind = JsonValueKind::kString;
};

struct JsonlRecord {
  std::uint64_t line = 0;  // 1-based
  std::vector<JsonMember> members;  // in file order; valid until the next read
  bool valid = true;
  RecordFault fault = RecordFault::kNone;
  std::string error;  // when !valid: what is wrong and at which byte of the line
};

class JsonlReader {
 public:
  // Where the line parser put one member in its buffer (offsets, so that growth never dangles).
  struct ParsedMember {
    std::size_t key_offset = 0;
    std::size_t key_size = 0;
    std::size_t value_offset = 0;
    std::size_t value_size = 0;
    JsonValueKind kind = JsonValueKind::kString;
  };

  explicit JsonlReader(DecodedInput input, CsvLimits limits = {});

  // Reads the next non-blank line into record(); false at the end. An error is a failure of the
  // input itself, never a bad line.
  Result<bool> next();
  const JsonlRecord& record() const { return record_; }
  const DecodedInput& input() const { return input_; }

 private:
  void parse_line();

  DecodedInput input_;
  CsvLimits limits_;
  std::string_view chunk_;
  std::size_t pos_ = 0;
  bool started_ = false;
  bool ended_ = false;
  std::string line_;      // the raw line being assembled
  bool line_overflow_ = false;
  std::string decoded_;   // decoded keys and values, back to back
  std::vector<ParsedMember> parsed_;
  std::uint64_t line_number_ = 0;
  JsonlRecord record_;
};

}  // namespace ektp::bulk
