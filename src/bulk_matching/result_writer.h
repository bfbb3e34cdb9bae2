// Writes the result file of a bulk-matching job, one line per RowOutcome, as CSV or JSON Lines,
// to a stream (buffered 64 KiB at a time; nothing of the file is held). Thread-safety: one writer
// per stream, used by one thread at a time.
//
// CSV (RFC 4180, CRLF line ends, UTF-8 without BOM): the header
//   row_id,result,<c>_verdict for each supplied column c but row_id (in Column order),name_score,
//   matched_nik,reason
// e.g. row_id,result,nik_verdict,name_verdict,birth_date_verdict,name_score,matched_nik,reason.
// A verdict column holds sesuai, tidak_sesuai or nothing (not compared); result is row_result_id;
// name_score has three decimals (0.912) or is empty; reason is the invalid_row or
// duplicate_in_file reason. Only the columns the input file supplied get a verdict column.
// A field is quoted when it holds a comma, a quote, CR or LF (quotes doubled), and when it was
// neutralised: a value that starts with = + - @, a tab or a CR (which a spreadsheet would run as a
// formula; OWASP "CSV injection") gets a leading apostrophe and quotes, so `=HYPERLINK(...)` is
// written "'=HYPERLINK(...)". row_id and reason are the agency's own text, so this matters; the
// apostrophe is not removed on reading back (a reader cannot know it was added).
// JSON Lines: one object per line with the same keys in the same order; null where the CSV cell is
// empty; name_score a number; no neutralisation (JSON is not opened as a spreadsheet).
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "bulk_matching/bulk_row.h"
#include "core/error.h"

namespace ektp::bulk {

enum class ResultFormat : std::uint8_t { kCsv, kJsonLines };

// The result file's field names for a file that supplies `columns`, in order.
std::vector<std::string> result_field_names(const std::array<bool, kColumnCount>& columns);

// Does a spreadsheet read `value` as a formula (first byte = + - @, tab or CR)?
bool needs_formula_neutralising(std::string_view value);
// Appends `value` as one CSV field: neutralised (when `neutralise` and needed) and quoted as
// RFC 4180 requires.
void append_csv_field(std::string& out, std::string_view value, bool neutralise = true);

class ResultWriter {
 public:
  // `out` must outlive the writer.
  ResultWriter(std::ostream& out, ResultFormat format,
               const std::array<bool, kColumnCount>& columns);

  // Writes one row's result (the CSV header first, on the first call).
  Status write(const RowOutcome& outcome);
  // Writes the header if no row was written, then flushes to the stream. Call once at the end.
  Status finish();
  // Hands what is buffered to the stream (and flushes it), without ending the file.
  Status flush();
  // Continues a file whose first `rows_written` rows (and header) are already written.
  void resume(std::uint64_t rows_written);

  std::uint64_t rows_written() const { return rows_written_; }

 private:
  void append_header();
  void append_csv(const RowOutcome& outcome);
  void append_jsonl(const RowOutcome& outcome);
  Status drain();

  std::ostream* out_ = nullptr;
  ResultFormat format_ = ResultFormat::kCsv;
  std::array<bool, kColumnCount> columns_{};
  std::string buffer_;
  bool header_written_ = false;
  std::uint64_t rows_written_ = 0;
};

}  // namespace ektp::bulk
