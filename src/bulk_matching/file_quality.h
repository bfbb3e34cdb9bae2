// The file-quality summary of one agency file (how many bad dates, NIKs, ragged rows, which
// columns, the encoding...), filled by AgencyFileReader and serialised by the job beside the
// results. Plain values; thread-safety as for any struct.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bulk_matching/bulk_row.h"
#include "bulk_matching/byte_input.h"
#include "bulk_matching/csv_reader.h"

namespace ektp::bulk {

enum class FileFormat : std::uint8_t { kCsv, kJsonLines };
std::string_view file_format_id(FileFormat format);  // "csv" / "jsonl"

inline constexpr std::size_t kUnknownColumnsListed = 16;

// What the file was like, for the job's summary and for the agency. Counts are of data records.
struct FileQuality {
  FileFormat format = FileFormat::kCsv;
  char delimiter = ',';
  TextEncoding encoding = TextEncoding::kUtf8;  // kWindows1252: the file was converted
  bool bom_seen = false;
  std::array<bool, kColumnCount> columns{};       // supplied by the header (first line)
  std::vector<std::string> unknown_columns;       // ignored header cells / keys, the first 16
  std::uint64_t unknown_column_count = 0;
  std::uint64_t records = 0;        // data records read (blank ones excluded)
  std::uint64_t blank_records = 0;  // skipped: every cell blank
  std::uint64_t accepted_rows = 0;  // handed to the matcher
  std::uint64_t invalid_rows = 0;
  std::uint64_t duplicate_rows = 0;
  std::uint64_t ragged_rows = 0;
  std::uint64_t blank_row_ids = 0;
  std::uint64_t duplicate_row_ids = 0;
  std::uint64_t duplicate_niks = 0;
  std::array<std::uint64_t, kRecordFaultCount> unreadable{};  // by RecordFault
  std::array<std::uint64_t, kColumnCount> bad_values{};       // given but not valid, by Column
  std::array<std::uint64_t, kColumnCount> blank_cells{};      // in supplied columns, by Column

  std::uint64_t unreadable_records() const;
};

// The optional columns the header did not name.
std::vector<Column> missing_optional_columns(const FileQuality& quality);
// The summary as one JSON object (keys as the field names above; counts by column keyed by the
// column names, unreadable by record_fault_id), for the job to store beside the results.
std::string quality_json(const FileQuality& quality);

}  // namespace ektp::bulk
