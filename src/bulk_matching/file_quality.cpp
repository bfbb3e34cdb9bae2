#include "bulk_matching/file_quality.h"

#include <fmt/format.h>

namespace ektp::bulk {
namespace {

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

template <std::size_t N, class Name>
void append_counts(std::string& out, std::string_view key,
                   const std::array<std::uint64_t, N>& counts, Name name_of) {
  out += fmt::format(",\"{}\":{{", key);
  bool first = true;
  for (std::size_t i = 0; i < N; ++i) {
    if (counts[i] == 0) continue;
    out += first ? "" : ",";
    first = false;
    append_json_string(out, name_of(i));
    out += fmt::format(":{}", counts[i]);
  }
  out.push_back('}');
}

}  // namespace

std::string_view file_format_id(FileFormat format) {
  return format == FileFormat::kCsv ? "csv" : "jsonl";
}

std::uint64_t FileQuality::unreadable_records() const {
  std::uint64_t total = 0;
  for (const std::uint64_t n : unreadable) total += n;
  return total;
}

std::vector<Column> missing_optional_columns(const FileQuality& quality) {
  std::vector<Column> missing;
  for (std::size_t i = 1; i < kColumnCount; ++i) {
    if (!quality.columns[i]) missing.push_back(static_cast<Column>(i));
  }
  return missing;
}

std::string quality_json(const FileQuality& q) {
  std::string out = "{";
  out += fmt::format("\"format\":\"{}\",\"delimiter\":", file_format_id(q.format));
  append_json_string(out, std::string_view(&q.delimiter, 1));
  out += fmt::format(",\"encoding\":\"{}\",\"bom_seen\":{}", text_encoding_id(q.encoding),
                     q.bom_seen ? "true" : "false");
  out += ",\"columns\":[";
  bool first = true;
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    if (!q.columns[i]) continue;
    out += fmt::format("{}\"{}\"", first ? "" : ",", column_name(static_cast<Column>(i)));
    first = false;
  }
  out += "],\"missing_optional_columns\":[";
  first = true;
  for (const Column column : missing_optional_columns(q)) {
    out += fmt::format("{}\"{}\"", first ? "" : ",", column_name(column));
    first = false;
  }
  out += "],\"unknown_columns\":[";
  for (std::size_t i = 0; i < q.unknown_columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_string(out, q.unknown_columns[i]);
  }
  out += fmt::format(
      "],\"unknown_column_count\":{},\"records\":{},\"blank_records\":{},\"accepted_rows\":{},"
      "\"invalid_rows\":{},\"duplicate_rows\":{},\"ragged_rows\":{},\"blank_row_ids\":{},"
      "\"duplicate_row_ids\":{},\"duplicate_niks\":{},\"unreadable_records\":{}",
      q.unknown_column_count, q.records, q.blank_records, q.accepted_rows, q.invalid_rows,
      q.duplicate_rows, q.ragged_rows, q.blank_row_ids, q.duplicate_row_ids, q.duplicate_niks,
      q.unreadable_records());
  append_counts(out, "unreadable", q.unreadable,
                [](std::size_t i) { return record_fault_id(static_cast<RecordFault>(i)); });
  const auto column_of = [](std::size_t i) { return column_name(static_cast<Column>(i)); };
  append_counts(out, "bad_values", q.bad_values, column_of);
  append_counts(out, "blank_cells", q.blank_cells, column_of);
  out.push_back('}');
  return out;
}

}  // namespace ektp::bulk
