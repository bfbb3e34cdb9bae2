// An agency's bulk-matching file, read row by row: detects the format, reads the header, checks
// every row into a ClaimRow for the matcher or rejects it with a RowOutcome (invalid_row or
// duplicate_in_file) that goes straight to the result, and keeps a file-quality summary. Streams:
// memory is one record plus the duplicate sets (below), whatever the file's size.
// Thread-safety: one reader per file, used by one thread at a time; the RegionDirectory it is
// given is shared read-only and must outlive it.
//
// Format: JSON Lines when the first byte after a BOM and blank space is '{', otherwise CSV (with
// ',' or, when the header has no comma but a semicolon, ';').
// Header (CSV): the first record names the columns (parse_column_name after trimming and ASCII
// lower-casing, so "NIK" and " Name " are accepted). File-level errors, which stop the job before
// any row: an empty file, an unreadable header record, no row_id column, a column named twice.
// Unknown header cells are ignored and reported (quality.unknown_columns).
// Header (JSON Lines): the first line must be a readable object with a row_id key (else a
// file-level error); its keys are the file's columns. It is also the first data row. A later line
// may leave keys out (not supplied) but a known key the first line did not have makes that line
// ragged (invalid). Numbers are accepted for row_id, nik and village_code; null means blank.
// Rows: a record whose cells are all blank is skipped (quality.blank_records), not numbered. A
// CSV record with more or fewer cells than the header is ragged (invalid). A blank cell is "not
// supplied". Each supplied cell is checked (claim_field.h); every fault of the row is listed in
// its reason ("record 12 (line 13), column birth_date: '31-02-1990' is not a date: ...").
// Duplicates: among the rows that pass the checks, a row whose row_id equals an earlier such
// row's, or whose NIK equals an earlier such row's, is duplicate_in_file (reason says which);
// the first occurrence is matched, and a rejected row (invalid or duplicate) registers nothing.
// Memory: NIKs are kept exactly (as 64-bit numbers), row_ids as 64-bit hashes (a false duplicate
// among 16.4 M distinct row_ids has a probability of about 1 in 100 000), in two KeySets:
// 9.4–14 bytes per key each, so 16.4 M rows with both need about 310–460 MB (the low end when
// options.expected_rows is given).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bulk_matching/bulk_row.h"
#include "bulk_matching/byte_input.h"
#include "bulk_matching/csv_reader.h"
#include "bulk_matching/file_quality.h"
#include "bulk_matching/jsonl_reader.h"
#include "bulk_matching/key_set.h"
#include "core/civil_date.h"
#include "core/error.h"
#include "core/region.h"

namespace ektp::bulk {

struct AgencyFileOptions {
  CsvLimits limits;
  std::size_t row_id_bytes_max = 64;
  std::size_t expected_rows = 0;  // sizes the duplicate sets up front; 0 = grow as needed
};

// One data row: accepted (a claim for the matcher) or rejected (the outcome to write as is).
struct FileRow {
  ClaimRow claim;
  std::optional<RowOutcome> rejection;  // kInvalidRow or kDuplicateInFile
  bool accepted() const { return !rejection.has_value(); }
};

class AgencyFileReader {
 public:
  // Reads the start of the file and its header. Fails (kInvalidArgument) on the file-level faults
  // above, or with the source's error.
  static Result<AgencyFileReader> open(ByteSource source, const RegionDirectory& regions,
                                       CivilDate today, AgencyFileOptions options = {});

  // The next data row into `row` (reused: pass the same one each time); false at the end.
  // An error is a failure of the input itself (the row-level faults are rejections).
  Result<bool> next(FileRow& row);

  FileFormat format() const { return quality_.format; }
  // The columns the file supplies (the result file has a verdict column for each but row_id).
  const std::array<bool, kColumnCount>& columns() const { return quality_.columns; }
  const FileQuality& quality() const { return quality_; }

 private:
  AgencyFileReader(const RegionDirectory& regions, CivilDate today, AgencyFileOptions options);
  Status read_csv_header();
  Status read_jsonl_first_line();
  void note_unknown_column(std::string_view name);
  // Checks one record's cells (`cells[c]` nullopt = absent or blank) into `row`.
  void check_row(std::uint64_t line, FileRow& row);
  void reject(FileRow& row, RowResult result, std::string reason);
  // The rejection for a record the reader could not read (fault and message from the reader).
  void reject_unreadable(std::uint64_t line, RecordFault fault, std::string_view where,
                         std::string_view message, FileRow& row);
  bool csv_row(FileRow& row);
  bool jsonl_row(FileRow& row);

  const RegionDirectory* regions_ = nullptr;
  CivilDate today_{};
  AgencyFileOptions options_;
  std::optional<CsvReader> csv_;
  std::optional<JsonlReader> jsonl_;
  bool first_line_pending_ = false;  // JSON Lines: the first line was read by open()
  std::vector<int> field_columns_;   // CSV: header field index → Column, or -1 (unknown)
  std::size_t row_id_field_ = 0;     // CSV: the row_id column's field index
  std::array<std::optional<std::string_view>, kColumnCount> cells_{};
  std::string raw_row_id_;
  std::string last_village_cell_;  // the last village cell that was valid, and its code
  std::string last_village_code_;  // the row_id cell as given, for the rejection of a bad row
  KeySet row_ids_;
  KeySet niks_;
  FileQuality quality_;
};

}  // namespace ektp::bulk
