// One cell of an agency file turned into ClaimRow's typed value: the lenient rules real agency
// exports need (Excel day-first dates, L/P, titles in names, a NIK saved with a leading
// apostrophe). Each parser takes the cell as the reader gave it (surrounding spaces included) and
// says in its error what was wrong with the value; the caller adds the record and column.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/civil_date.h"
#include "core/error.h"
#include "core/nik.h"
#include "core/region.h"

namespace ektp::bulk {

// Trims, turns tabs, CR and LF into spaces and collapses runs of spaces, into `out` (replaced).
// Cells with line breaks (Alt+Enter in Excel) and double spaces are common and mean nothing.
void normalize_spaces(std::string_view text, std::string& out);
// Is the cell blank (empty or only spaces, tabs, CR, LF)? A blank cell is "not supplied".
bool is_blank(std::string_view cell);

// The value shown in a message: quoted, cut at 40 bytes (on a UTF-8 boundary) with "…", control
// characters and invalid bytes shown as '?'. A reason must not carry the cell's bytes unchecked.
std::string shown_value(std::string_view value);

// Dates are day first, as Indonesian files write them: YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY and
// DD.MM.YYYY, with one- or two-digit day and month (1/2/1990 is 1 February). The date must exist
// (31-02-1990 does not), lie in 1850..today, and the year has four digits.
Result<CivilDate> parse_claim_date(std::string_view cell, CivilDate today);

// L, P, M, F, LK, PR, LAKI-LAKI, LAKI LAKI, PEREMPUAN, PRIA, WANITA; case-insensitive.
Result<Sex> parse_claim_sex(std::string_view cell);

// 16 digits checked with parse_nik. One leading apostrophe (Excel's "keep as text") and spaces
// around are dropped; a cell like 3.32702E+15 gets a message saying the spreadsheet turned the
// NIK into a number. Returns the 16 digits.
Result<std::string> parse_claim_nik(std::string_view cell, const RegionDirectory& regions,
                                    CivilDate today);

// A name (name, mother_name): spaces normalised, then the core name rules (letters, spaces and
// . , ' - only; titles such as "H. MUHAMMAD RIDWAN, S.Pd." pass). Returns the normalised name.
Result<std::string> parse_claim_name(std::string_view cell);

// Free text (birth_place, address): spaces normalised, valid UTF-8, no controls, at most
// bytes_max bytes. Returns the normalised text.
Result<std::string> parse_claim_text(std::string_view cell, std::size_t bytes_max);

// 10 digits naming a village (desa/kelurahan) in the region directory.
Result<std::string> parse_claim_village_code(std::string_view cell, const RegionDirectory& regions);

// The agency's row key: trimmed, non-empty, at most bytes_max bytes, valid UTF-8, no controls.
Result<std::string> parse_claim_row_id(std::string_view cell, std::size_t bytes_max);

}  // namespace ektp::bulk
