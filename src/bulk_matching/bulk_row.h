// The vocabulary of bulk matching (pemadanan): the columns an agency's file may carry, one row as
// the agency claims it, one person as the register holds them, and the result written for a row.
// Everything the reader, the matcher and the result writer exchange is here. Pure; no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/civil_date.h"
#include "core/nik.h"

namespace ektp::bulk {

// The columns a file's header may name. `row_id` is required; every other one is optional, and a
// row compares only the fields its file supplies.
enum class Column : std::uint8_t {
  kRowId, kNik, kName, kBirthDate, kBirthPlace, kSex, kMotherName, kAddress, kVillageCode
};
inline constexpr std::size_t kColumnCount = 9;

// "row_id", "nik", "name", "birth_date", "birth_place", "sex", "mother_name", "address",
// "village_code": the header names, which are also the result file's field names.
std::string_view column_name(Column column);
// The column a header cell names (exact, lower case, surrounding spaces ignored); nullopt otherwise.
std::optional<Column> parse_column_name(std::string_view header_cell);

// One row as the agency claims it, checked and typed. A field is empty (nullopt) when the file
// has no such column or the row left the cell blank; a field that was given but is not valid
// makes the whole row invalid instead (the reader reports it), so it never reaches the matcher.
struct ClaimRow {
  std::uint64_t record = 0;  // 1-based position of the row among the file's data records
  std::string row_id;        // the agency's own key, echoed in the result
  std::optional<std::string> nik;  // 16 digits, checked against the NIK's structure
  std::optional<std::string> name;
  std::optional<CivilDate> birth_date;
  std::optional<std::string> birth_place;
  std::optional<Sex> sex;
  std::optional<std::string> mother_name;
  std::optional<std::string> address;       // street text as the agency holds it
  std::optional<std::string> village_code;  // 10 digits
};

// One person as the matcher sees the register: only what a file can be compared with.
struct RegisterEntry {
  std::string nik;
  std::string name;
  CivilDate birth_date;
  std::string birth_place;
  Sex sex = Sex::kMale;
  std::string mother_name;
  std::string address;       // street, "RT 001 RW 002" not included
  std::string village_code;  // 10 digits
  bool alive = true;
};

// The result of one row (issue wording, stored and written as the ids below).
enum class RowResult : std::uint8_t {
  kMatch,                // the NIK is known and every supplied field agrees
  kMatchFieldsDiffer,    // the NIK is known, some supplied field does not agree
  kNikNotFound,          // the NIK is not in the register and demographics found nobody sure
  kFoundByDemographics,  // no NIK (or an unknown one), one person found by the other fields
  kNotFound,             // no NIK, and demographics found nobody sure
  kDeceased,             // the person (by NIK or by demographics) has died
  kDuplicateInFile,      // the row repeats an earlier row of the same file
  kInvalidRow,           // the row could not be read or a given field is not valid
};
inline constexpr std::size_t kRowResultCount = 8;
// "match", "match_fields_differ", "nik_not_found", "found_by_demographics", "not_found",
// "deceased", "duplicate_in_file", "invalid_row".
std::string_view row_result_id(RowResult result);
std::optional<RowResult> parse_row_result(std::string_view id);

// Per supplied field: does the register agree?
enum class FieldVerdict : std::uint8_t { kNotSupplied, kSesuai, kTidakSesuai };
// "" (not supplied), "sesuai", "tidak_sesuai".
std::string_view field_verdict_id(FieldVerdict verdict);

struct RowOutcome {
  std::uint64_t record = 0;
  std::string row_id;
  RowResult result = RowResult::kInvalidRow;
  // Indexed by Column; kRowId and any column not supplied stay kNotSupplied.
  std::array<FieldVerdict, kColumnCount> verdicts{};
  std::optional<double> name_score;        // 0–1, when a name was supplied and a person compared
  std::optional<std::string> matched_nik;  // found_by_demographics only, and only when allowed
  std::string invalid_reason;  // invalid_row: what is wrong and where; duplicate_in_file: which earlier row (English)
};

}  // namespace ektp::bulk
