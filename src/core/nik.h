// NIK (Nomor Induk Kependudukan): PPKKCC DDMMYY SSSS — district of first registration, birth date
// (day + 40 for women), serial 0001–9999 unique within district + birth date. Lifelong.
// Pure functions; the region directory and "today" are passed in.
#pragma once

#include <string>
#include <string_view>

#include "core/civil_date.h"
#include "core/error.h"
#include "core/region.h"

namespace ektp {

enum class Sex { kMale, kFemale };

std::string_view sex_code(Sex sex);  // "M" / "F"
Result<Sex> parse_sex(std::string_view code);

inline constexpr int nik_serial_max = 9999;

struct NIKParts {
  std::string nik;
  std::string district_code;  // PPKKCC
  unsigned birth_day = 0;     // 1..31, women's +40 already removed
  unsigned birth_month = 0;
  unsigned birth_year_two_digits = 0;
  CivilDate birth_date;       // century resolved against `today`
  Sex sex = Sex::kMale;
  int serial = 0;
};

// Validates every part: 16 digits, an existing province/regency/district, a real calendar date
// (30 February and day 32 are not), not in the future, serial ≠ 0000. The message names the
// digits at fault: "NIK digits 7–8: day 32 is not a day".
Result<NIKParts> parse_nik(std::string_view text, const RegionDirectory& regions, CivilDate today);

// Builds a NIK; district_code must be 6 digits, serial 1..9999.
std::string format_nik(std::string_view district_code, CivilDate birth_date, Sex sex, int serial);

// The NIK prefix shared by everyone born on that date, of that sex, in that district: the first
// 12 digits. Serials are allocated within it.
std::string nik_prefix(std::string_view district_code, CivilDate birth_date, Sex sex);

// KK (family card) number: PPKKCC + issue date DDMMYY + serial SSSS.
struct KKParts {
  std::string kk;
  std::string district_code;
  CivilDate issue_date;
  int serial = 0;
};
Result<KKParts> parse_kk_number(std::string_view text, const RegionDirectory& regions,
                                CivilDate today);
std::string format_kk_number(std::string_view district_code, CivilDate issue_date, int serial);
std::string kk_prefix(std::string_view district_code, CivilDate issue_date);

}  // namespace ektp
