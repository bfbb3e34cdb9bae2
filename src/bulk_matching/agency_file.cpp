#include "bulk_matching/agency_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "bulk_matching/claim_field.h"
#include "core/limits.h"

namespace ektp::bulk {
namespace {

std::string lower_trimmed(std::string_view cell) {
  while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
  while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t')) cell.remove_suffix(1);
  std::string out(cell);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Cuts `text` to at most `bytes` bytes on a UTF-8 boundary.
void cut_utf8(std::string& text, std::size_t bytes) {
  if (text.size() <= bytes) return;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
}

std::uint64_t nik_key(std::string_view nik) {
  std::uint64_t v = 0;
  for (const char c : nik) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

bool number_allowed(Column column) {
  return column == Column::kRowId || column == Column::kNik || column == Column::kVillageCode;
}

}  // namespace

AgencyFileReader::AgencyFileReader(const RegionDirectory& regions, CivilDate today,
                                   AgencyFileOptions options)
    : regions_(&regions), today_(today), options_(options) {
  if (options_.expected_rows > 0) {
    row_ids_.reserve(options_.expected_rows);
    niks_.reserve(options_.expected_rows);
  }
}

Result<AgencyFileReader> AgencyFileReader::open(ByteSource source, const RegionDirectory& regions,
                                                CivilDate today, AgencyFileOptions options) {
  DecodedInput input(std::move(source));
  EKTP_RETURN_IF_ERROR(input.start());
  AgencyFileReader reader(regions, today, options);
  reader.quality_.encoding = input.encoding();
  reader.quality_.bom_seen = input.bom_seen();
  const std::string_view start = input.peek();
  const std::size_t first = start.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return invalid_argument("the file is empty; the first line must name the columns (row_id, nik, "
                            "name, ...)");
  }
  if (start[first] == '{') {
    reader.quality_.format = FileFormat::kJsonLines;
    reader.jsonl_.emplace(std::move(input), options.limits);
    EKTP_RETURN_IF_ERROR(reader.read_jsonl_first_line());
  } else {
    reader.quality_.format = FileFormat::kCsv;
    reader.csv_.emplace(std::move(input), options.limits, '\0');
    EKTP_RETURN_IF_ERROR(reader.read_csv_header());
    reader.quality_.delimiter = reader.csv_->delimiter();
  }
  return reader;
}

void AgencyFileReader::note_unknown_column(std::string_view name) {
  const std::string shown = name.empty() ? std::string("(blank)") : shown_value(name);
  if (std::find(quality_.unknown_columns.begin(), quality_.unknown_columns.end(), shown) !=
      quality_.unknown_columns.end()) {
    return;
  }
  ++quality_.unknown_column_count;
  if (quality_.unknown_columns.size() < kUnknownColumnsListed) {
    quality_.unknown_columns.push_back(shown);
  }
}

Status AgencyFileReader::read_csv_header() {
  EKTP_ASSIGN_OR_RETURN(const bool has_header, csv_->next());
  if (!has_header) return invalid_argument("the file is empty");
  const CsvRecord& header = csv_->record();
  if (!header.valid) {
    return invalid_argument(fmt::format("the header (line {}){}: {}", header.line,
                                        header.error_field != 0
                                            ? fmt::format(", field {}", header.error_field)
                                            : std::string(),
                                        header.error));
  }
  std::array<std::size_t, kColumnCount> field_of{};
  field_columns_.assign(header.fields.size(), -1);
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = lower_trimmed(header.fields[i]);
    const auto column = parse_column_name(name);
    if (!column) {
      note_unknown_column(name);
      continue;
    }
    const auto c = static_cast<std::size_t>(*column);
    if (quality_.columns[c]) {
      return invalid_argument(fmt::format("the header names the column {} twice (fields {} and {})",
                                          column_name(*column), field_of[c] + 1, i + 1));
    }
    quality_.columns[c] = true;
    field_of[c] = i;
    if (*column == Column::kRowId) row_id_field_ = i;
    field_columns_[i] = static_cast<int>(c);
  }
  if (!quality_.columns[static_cast<std::size_t>(Column::kRowId)]) {
    return invalid_argument(
        "the header has no row_id column; the first line must name the columns, one of them "
        "row_id (the agency's key for each row, echoed in the results)");
  }
  return {};
}

Status AgencyFileReader::read_jsonl_first_line() {
  EKTP_ASSIGN_OR_RETURN(const bool has_line, jsonl_->next());
  if (!has_line) return invalid_argument("the file is empty");
  const JsonlRecord& first = jsonl_->record();
  if (!first.valid) {
    return invalid_argument(fmt::format("line {}: {}; the first line must be a readable object, "
                                        "its keys name the file's columns",
                                        first.line, first.error));
  }
  for (const JsonMember& member : first.members) {
    if (const auto column = parse_column_name(member.key)) {
      quality_.columns[static_cast<std::size_t>(*column)] = true;
    } else {
      note_unknown_column(member.key);
    }
  }
  if (!quality_.columns[static_cast<std::size_t>(Column::kRowId)]) {
    return invalid_argument(fmt::format(
        "line {}: the first object has no row_id key; every line needs one (the agency's key for "
        "each row, echoed in the results)",
        first.line));
  }
  first_line_pending_ = true;
  return {};
}

void AgencyFileReader::reject(FileRow& row, RowResult result, std::string reason) {
  cut_utf8(reason, limits::reason_bytes_max);
  RowOutcome outcome;
  outcome.record = row.claim.record;
  auto row_id = parse_claim_row_id(raw_row_id_, options_.row_id_bytes_max);
  if (row_id) outcome.row_id = std::move(*row_id);
  outcome.result = result;
  outcome.invalid_reason = std::move(reason);
  row.rejection = std::move(outcome);
  if (result == RowResult::kInvalidRow) {
    ++quality_.invalid_rows;
  } else {
    ++quality_.duplicate_rows;
  }
}

void AgencyFileReader::reject_unreadable(std::uint64_t line, RecordFault fault,
                                         std::string_view where, std::string_view message,
                                         FileRow& row) {
  ++quality_.unreadable[static_cast<std::size_t>(fault)];
  reject(row, RowResult::kInvalidRow,
         fmt::format("record {} (line {}){}: {}", row.claim.record, line, where, message));
}

void AgencyFileReader::check_row(std::uint64_t line, FileRow& row) {
  ClaimRow& claim = row.claim;
  std::string reason;
  const auto fault = [&](Column column, const Error& error) {
    ++quality_.bad_values[static_cast<std::size_t>(column)];
    reason += reason.empty() ? fmt::format("record {} (line {}), ", claim.record, line) : "; ";
    reason += fmt::format("column {}: {}", column_name(column), error.message);
  };
  const auto cell = [&](Column column) -> std::optional<std::string_view> {
    const auto c = static_cast<std::size_t>(column);
    if (!quality_.columns[c]) return std::nullopt;
    if (!cells_[c]) ++quality_.blank_cells[c];
    return cells_[c];
  };

  if (const auto text = cell(Column::kRowId)) {
    if (auto id = parse_claim_row_id(*text, options_.row_id_bytes_max)) {
      claim.row_id = std::move(*id);
    } else {
      fault(Column::kRowId, id.error());
    }
  } else {
    ++quality_.blank_row_ids;
    reason =
        fmt::format("record {} (line {}), column row_id: is blank; every row needs its own key",
                    claim.record, line);
  }
  if (const auto text = cell(Column::kNik)) {
    if (auto nik = parse_claim_nik(*text, *regions_, today_)) {
      claim.nik = std::move(*nik);
    } else {
      fault(Column::kNik, nik.error());
    }
  }
  if (const auto text = cell(Column::kName)) {
    if (auto name = parse_claim_name(*text)) {
      claim.name = std::move(*name);
    } else {
      fault(Column::kName, name.error());
    }
  }
  if (const auto text = cell(Column::kBirthDate)) {
    if (auto date = parse_claim_date(*text, today_)) {
      claim.birth_date = *date;
    } else {
      fault(Column::kBirthDate, date.error());
    }
  }
  if (const auto text = cell(Column::kBirthPlace)) {
    if (auto place = parse_claim_text(*text, limits::place_bytes_max)) {
      claim.birth_place = std::move(*place);
    } else {
      fault(Column::kBirthPlace, place.error());
    }
  }
  if (const auto text = cell(Column::kSex)) {
    if (auto sex = parse_claim_sex(*text)) {
      claim.sex = *sex;
    } else {
      fault(Column::kSex, sex.error());
    }
  }
  if (const auto text = cell(Column::kMotherName)) {
    if (auto name = parse_claim_name(*text)) {
      claim.mother_name = std::move(*name);
    } else {
      fault(Column::kMotherName, name.error());
    }
  }
  if (const auto text = cell(Column::kAddress)) {
    if (auto address = parse_claim_text(*text, limits::address_bytes_max)) {
      claim.address = std::move(*address);
    } else {
      fault(Column::kAddress, address.error());
    }
  }
  if (const auto text = cell(Column::kVillageCode)) {
    if (!last_village_cell_.empty() && *text == last_village_cell_) {  // files come sorted by area
      claim.village_code = last_village_code_;
    } else if (auto code = parse_claim_village_code(*text, *regions_)) {
      last_village_cell_.assign(*text);
      last_village_code_ = *code;
      claim.village_code = std::move(*code);
    } else {
      fault(Column::kVillageCode, code.error());
    }
  }
  if (!reason.empty()) {
    reject(row, RowResult::kInvalidRow, std::move(reason));
    return;
  }

  const std::uint64_t id_key = hash_text(claim.row_id);
  const KeySet::Probe id_probe = row_ids_.probe(id_key);
  if (id_probe.found) {
    ++quality_.duplicate_row_ids;
    reject(row, RowResult::kDuplicateInFile,
           fmt::format("record {} (line {}): row_id {} repeats an earlier row's row_id",
                       claim.record, line, shown_value(claim.row_id)));
    return;
  }
  const std::uint64_t nik = claim.nik ? nik_key(*claim.nik) : 0;
  const KeySet::Probe nik_probe = claim.nik ? niks_.probe(nik) : KeySet::Probe{};
  if (nik_probe.found) {
    ++quality_.duplicate_niks;
    reject(row, RowResult::kDuplicateInFile,
           fmt::format("record {} (line {}): nik {} repeats an earlier row's NIK", claim.record,
                       line, *claim.nik));
    return;
  }
  row_ids_.insert_at(id_probe, id_key);
  if (claim.nik) niks_.insert_at(nik_probe, nik);
  ++quality_.accepted_rows;
}

bool AgencyFileReader::csv_row(FileRow& row) {
  const CsvRecord& record = csv_->record();
  if (std::all_of(record.fields.begin(), record.fields.end(), is_blank) && record.valid) {
    ++quality_.blank_records;
    return false;
  }
  row.claim.record = ++quality_.records;
  raw_row_id_.clear();
  if (row_id_field_ < record.fields.size()) raw_row_id_.assign(record.fields[row_id_field_]);
  if (!record.valid) {
    std::string where;
    if (record.error_field != 0) {
      const std::size_t i = record.error_field - 1;
      where = i < field_columns_.size() && field_columns_[i] >= 0
                  ? fmt::format(", column {} (field {})",
                                column_name(static_cast<Column>(field_columns_[i])), i + 1)
                  : fmt::format(", field {}", i + 1);
    }
    reject_unreadable(record.line, record.fault, where, record.error, row);
    return true;
  }
  if (record.fields.size() != field_columns_.size()) {
    ++quality_.ragged_rows;
    reject(row, RowResult::kInvalidRow,
           fmt::format("record {} (line {}): {} cells where the header has {} columns",
                       row.claim.record, record.line, record.fields.size(),
                       field_columns_.size()));
    return true;
  }
  cells_.fill(std::nullopt);
  for (std::size_t i = 0; i < field_columns_.size(); ++i) {
    if (field_columns_[i] >= 0 && !is_blank(record.fields[i])) {
      cells_[static_cast<std::size_t>(field_columns_[i])] = record.fields[i];
    }
  }
  check_row(record.line, row);
  return true;
}

bool AgencyFileReader::jsonl_row(FileRow& row) {
  const JsonlRecord& record = jsonl_->record();
  const bool blank = std::all_of(record.members.begin(), record.members.end(),
                                 [](const JsonMember& m) { return is_blank(m.value); });
  if (record.valid && blank) {
    ++quality_.blank_records;
    return false;
  }
  row.claim.record = ++quality_.records;
  raw_row_id_.clear();
  for (const JsonMember& member : record.members) {
    if (member.key == "row_id") raw_row_id_.assign(member.value);
  }
  if (!record.valid) {
    reject_unreadable(record.line, record.fault, "", record.error, row);
    return true;
  }
  cells_.fill(std::nullopt);
  std::string reason;
  for (const JsonMember& member : record.members) {
    const auto column = parse_column_name(member.key);
    if (!column) {
      note_unknown_column(member.key);
      continue;
    }
    const auto c = static_cast<std::size_t>(*column);
    if (!quality_.columns[c]) {
      ++quality_.ragged_rows;
      reject(row, RowResult::kInvalidRow,
             fmt::format("record {} (line {}): the key {} is not among the first line's keys; "
                         "every line must use the same keys",
                         row.claim.record, record.line, column_name(*column)));
      return true;
    }
    if (member.kind == JsonValueKind::kNumber && !number_allowed(*column)) {
      ++quality_.bad_values[c];
      reason += reason.empty() ? fmt::format("record {} (line {}), ", row.claim.record, record.line)
                               : "; ";
      reason += fmt::format("column {}: a JSON number; give the value as a string",
                            column_name(*column));
      continue;
    }
    if (member.kind != JsonValueKind::kNull && !is_blank(member.value)) cells_[c] = member.value;
  }
  if (!reason.empty()) {
    reject(row, RowResult::kInvalidRow, std::move(reason));
    return true;
  }
  check_row(record.line, row);
  return true;
}

Result<bool> AgencyFileReader::next(FileRow& row) {
  while (true) {
    row.claim = ClaimRow{};
    row.rejection.reset();
    if (csv_) {
      EKTP_ASSIGN_OR_RETURN(const bool more, csv_->next());
      if (!more) return false;
      if (csv_row(row)) return true;
    } else {
      if (first_line_pending_) {
        first_line_pending_ = false;
      } else {
        EKTP_ASSIGN_OR_RETURN(const bool more, jsonl_->next());
        if (!more) return false;
      }
      if (jsonl_row(row)) return true;
    }
  }
}

}  // namespace ektp::bulk
