// A streaming RFC 4180 CSV record reader: records come one at a time from a DecodedInput (so the
// file is never held whole; 16 M rows stream through a 64 KiB chunk and one record buffer), and a
// record that breaks a rule is returned marked invalid, with what and where, rather than ending
// the read. Fields are string_views into the reader's buffer, valid until the next call.
// Thread-safety: one reader per file, used by one thread at a time.
//
// The rules, beyond RFC 4180:
//   * Line ends: LF, CRLF and a lone CR all end a record, mixed freely. Inside a quoted field they
//     are kept as written. An empty line is skipped (not a record).
//   * Delimiter: ',' by default. With `delimiter = 0` (auto), the first line decides: if it has no
//     comma but has a semicolon, ';' (Indonesian-locale Excel exports), otherwise ','; a first
//     line "sep=;" (also "sep=," "sep=|" and sep=TAB, Excel's own directive) sets it and is
//     skipped.
//   * Limits count UTF-8 bytes as read, after a Windows-1252 file's conversion.
//   * A quote inside an unquoted field (`5" disk`, `JL. "MAWAR"`) is kept as a literal character
//     (lenient: such files are common and the field is still unambiguous). A character other than
//     a delimiter or line end after a closing quote (`"abc"x`) makes the record invalid.
//   * A NUL byte makes the record invalid; the reason names the field and the byte within it.
//   * A field that is not valid UTF-8 makes the record invalid (field and byte named). Only
//     DecodedInput converts whole files (see its encoding rule).
//   * Limits (CsvLimits): a field longer than field_bytes_max, more than fields_max fields, or a
//     record longer than record_bytes_max (raw bytes, quotes and delimiters included) makes the
//     record invalid. Reading goes on at the next record boundary: for field and field-count
//     overflows that is the record's real end (quotes are still followed); once a record passes
//     record_bytes_max, the reader stops following quotes and resumes after the next line end, so
//     an unterminated quote costs at most one record's worth of lines, never the rest of the file.
//   * End of input inside a quoted field: the record is invalid (unterminated quote).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bulk_matching/byte_input.h"
#include "core/error.h"

namespace ektp::bulk {

struct CsvLimits {
  std::size_t field_bytes_max = 1024;
  std::size_t fields_max = 64;
  std::size_t record_bytes_max = 8 << 10;
};

// Why a record could not be read (shared with the JSON Lines reader).
enum class RecordFault : std::uint8_t {
  kNone, kNulByte, kInvalidUtf8, kFieldTooLong, kTooManyFields, kRecordTooLong, kBadQuote,
  kUnterminatedQuote, kJsonSyntax, kDuplicateKey
};
inline constexpr std::size_t kRecordFaultCount = 10;
// "none", "nul_byte", "invalid_utf8", "field_too_long", "too_many_fields", "record_too_long",
// "bad_quote", "unterminated_quote", "json_syntax", "duplicate_key".
std::string_view record_fault_id(RecordFault fault);

struct CsvRecord {
  std::uint64_t line = 0;  // 1-based line the record starts on
  std::vector<std::string_view> fields;  // unquoted and unescaped; valid until the next read
  bool valid = true;
  RecordFault fault = RecordFault::kNone;
  std::size_t error_field = 0;  // 1-based field the error is in; 0 when it is the whole record
  std::string error;            // when !valid: what is wrong ("NUL byte (0x00) at byte 4 ...")
};

class CsvReader {
 public:
  // `input` must not have been read yet (start() is called here if needed). delimiter 0 = auto.
  CsvReader(DecodedInput input, CsvLimits limits = {}, char delimiter = ',');

  // Reads the next record into record(). Returns false at the end of the input. An error is a
  // failure of the input itself (the source failed, a UTF-16 file), never a bad record.
  Result<bool> next();
  const CsvRecord& record() const { return record_; }

  char delimiter() const { return delimiter_; }
  const DecodedInput& input() const { return input_; }
  std::uint64_t records_read() const { return records_read_; }

 private:
  enum class State : std::uint8_t {
    kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kSkipToLineEnd
  };
  void begin_record();
  void end_field();
  void finish_record();
  void fail(RecordFault fault, std::size_t field, std::string message);
  void append(const char* data, std::size_t n);
  // Consumes chunk_ from pos_; returns true when a record is complete.
  bool scan();

  DecodedInput input_;
  CsvLimits limits_;
  char delimiter_ = ',';
  std::array<std::uint8_t, 256> unquoted_special_{};
  std::array<std::uint8_t, 256> quoted_special_{};
  std::string_view chunk_;
  std::size_t pos_ = 0;
  bool started_ = false;
  bool ended_ = false;
  State state_ = State::kFieldStart;
  bool in_record_ = false;
  bool skip_lf_ = false;  // the previous record ended on CR: a following LF belongs to it
  bool field_overflow_ = false;
  std::string buffer_;                 // the current record's field bytes, back to back
  std::vector<std::size_t> field_ends_;  // end offset in buffer_ of each field
  std::size_t field_start_ = 0;
  std::size_t record_bytes_ = 0;
  std::uint64_t line_ = 1;
  std::uint64_t quote_line_ = 0;
  std::uint64_t records_read_ = 0;
  CsvRecord record_;
};

}  // namespace ektp::bulk
