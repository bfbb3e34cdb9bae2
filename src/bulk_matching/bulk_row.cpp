#include "bulk_matching/bulk_row.h"

namespace ektp::bulk {
namespace {

constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "row_id", "nik", "name", "birth_date", "birth_place", "sex", "mother_name", "address",
    "village_code"};

constexpr std::array<std::string_view, kRowResultCount> kRowResultIds = {
    "match",    "match_fields_differ", "nik_not_found", "found_by_demographics", "not_found",
    "deceased", "duplicate_in_file",   "invalid_row"};

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view column_name(Column column) {
  return kColumnNames[static_cast<std::size_t>(column)];
}

std::optional<Column> parse_column_name(std::string_view header_cell) {
  const std::string_view cell = trim_spaces(header_cell);
  for (std::size_t i = 0; i < kColumnNames.size(); ++i) {
    if (kColumnNames[i] == cell) return static_cast<Column>(i);
  }
  return std::nullopt;
}

std::string_view row_result_id(RowResult result) {
  return kRowResultIds[static_cast<std::size_t>(result)];
}

std::optional<RowResult> parse_row_result(std::string_view id) {
  for (std::size_t i = 0; i < kRowResultIds.size(); ++i) {
    if (kRowResultIds[i] == id) return static_cast<RowResult>(i);
  }
  return std::nullopt;
}

std::string_view field_verdict_id(FieldVerdict verdict) {
  switch (verdict) {
    case FieldVerdict::kSesuai: return "sesuai";
    case FieldVerdict::kTidakSesuai: return "tidak_sesuai";
    case FieldVerdict::kNotSupplied: break;
  }
  return "";
}

}  // namespace ektp::bulk
