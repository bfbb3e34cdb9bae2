#include "core/nik.h"

#include <fmt/format.h>

namespace ektp {

namespace {

unsigned two_digits(std::string_view text, std::size_t at) {
  return static_cast<unsigned>((text[at] - '0') * 10 + (text[at + 1] - '0'));
}

// Resolves a two-digit year to the latest century that does not put the date after today.
int resolve_century(unsigned year_two_digits, CivilDate today) {
  int year = 2000 + static_cast<int>(year_two_digits);
  if (year > static_cast<int>(today.year())) year -= 100;
  return year;
}

// Shared checks for the 16-digit numbers: length, digits, region. `what` is "NIK" or "KK number".
Status check_digits_and_region(std::string_view text, std::string_view what,
                               const RegionDirectory& regions) {
  if (text.size() != 16) {
    return invalid_argument(fmt::format("{} must have 16 digits, got {} characters", what,
                                        text.size()));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      auto shown = static_cast<unsigned char>(text[i]) < 0x20 || static_cast<unsigned char>(text[i]) > 0x7e
                       ? fmt::format("byte 0x{:02x}", static_cast<unsigned char>(text[i]))
                       : fmt::format("'{}'", text[i]);
      return invalid_argument(fmt::format("{} digit {}: {} is not a digit", what, i + 1, shown));
    }
  }
  if (regions.find(text.substr(0, 2)) == nullptr) {
    return invalid_argument(fmt::format("{} digits 1–2: province {} does not exist", what,
                                        text.substr(0, 2)));
  }
  if (regions.find(text.substr(0, 4)) == nullptr) {
    return invalid_argument(fmt::format("{} digits 3–4: regency {} does not exist in province {}",
                                        what, text.substr(2, 2), text.substr(0, 2)));
  }
  if (regions.find(text.substr(0, 6)) == nullptr) {
    return invalid_argument(fmt::format("{} digits 5–6: district {} does not exist in regency {}",
                                        what, text.substr(4, 2), text.substr(0, 4)));
  }
  return {};
}

Result<CivilDate> check_date(std::string_view what, unsigned day, unsigned month,
                             unsigned year_two_digits, CivilDate today) {
  if (month < 1 || month > 12) {
    return invalid_argument(fmt::format("{} digits 9–10: month {:02d} is not a month", what, month));
  }
  int year = resolve_century(year_two_digits, today);
  CivilDate date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!date.ok()) {
    return invalid_argument(fmt::format("{} digits 7–12: {} {} {} is not a date", what, day,
                                        indonesian_month_name(month), year));
  }
  if (std::chrono::sys_days{date} > std::chrono::sys_days{today}) {
    return invalid_argument(fmt::format("{} digits 7–12: {} is in the future", what,
                                        format_civil_date(date)));
  }
  return date;
}

}  // namespace

std::string_view sex_code(Sex sex) { return sex == Sex::kFemale ? "F" : "M"; }

Result<Sex> parse_sex(std::string_view code) {
  if (code == "M" || code == "L") return Sex::kMale;    // L = laki-laki
  if (code == "F" || code == "P") return Sex::kFemale;  // P = perempuan
  return invalid_argument(fmt::format("sex must be M or F, got '{}'", code.substr(0, 8)));
}

Result<NIKParts> parse_nik(std::string_view text, const RegionDirectory& regions, CivilDate today) {
  if (auto s = check_digits_and_region(text, "NIK", regions); !s) return std::unexpected(s.error());
  NIKParts parts;
  parts.nik = std::string(text);
  parts.district_code = std::string(text.substr(0, 6));
  unsigned coded_day = two_digits(text, 6);
  if (coded_day >= 1 && coded_day <= 31) {
    parts.sex = Sex::kMale;
    parts.birth_day = coded_day;
  } else if (coded_day >= 41 && coded_day <= 71) {
    parts.sex = Sex::kFemale;
    parts.birth_day = coded_day - 40;
  } else {
    return invalid_argument(fmt::format(
        "NIK digits 7–8: day {:02d} is not a day (men 01–31, women 41–71)", coded_day));
  }
  parts.birth_month = two_digits(text, 8);
  parts.birth_year_two_digits = two_digits(text, 10);
  auto date = check_date("NIK", parts.birth_day, parts.birth_month, parts.birth_year_two_digits,
                         today);
  if (!date) return std::unexpected(date.error());
  parts.birth_date = *date;
  parts.serial = static_cast<int>(two_digits(text, 12) * 100 + two_digits(text, 14));
  if (parts.serial == 0) {
    return invalid_argument("NIK digits 13–16: serial 0000 is never issued (0001–9999)");
  }
  return parts;
}

std::string nik_prefix(std::string_view district_code, CivilDate birth_date, Sex sex) {
  unsigned day = static_cast<unsigned>(birth_date.day()) + (sex == Sex::kFemale ? 40 : 0);
  return fmt::format("{}{:02d}{:02d}{:02d}", district_code, day,
                     static_cast<unsigned>(birth_date.month()),
                     static_cast<int>(birth_date.year()) % 100);
}

std::string format_nik(std::string_view district_code, CivilDate birth_date, Sex sex, int serial) {
  return fmt::format("{}{:04d}", nik_prefix(district_code, birth_date, sex), serial);
}

Result<KKParts> parse_kk_number(std::string_view text, const RegionDirectory& regions,
                                CivilDate today) {
  if (auto s = check_digits_and_region(text, "KK number", regions); !s) {
    return std::unexpected(s.error());
  }
  KKParts parts;
  parts.kk = std::string(text);
  parts.district_code = std::string(text.substr(0, 6));
  auto date = check_date("KK number", two_digits(text, 6), two_digits(text, 8),
                         two_digits(text, 10), today);
  if (!date) return std::unexpected(date.error());
  parts.issue_date = *date;
  parts.serial = static_cast<int>(two_digits(text, 12) * 100 + two_digits(text, 14));
  if (parts.serial == 0) {
    return invalid_argument("KK number digits 13–16: serial 0000 is never issued (0001–9999)");
  }
  return parts;
}

std::string kk_prefix(std::string_view district_code, CivilDate issue_date) {
  return fmt::format("{}{:02d}{:02d}{:02d}", district_code,
                     static_cast<unsigned>(issue_date.day()),
                     static_cast<unsigned>(issue_date.month()),
                     static_cast<int>(issue_date.year()) % 100);
}

std::string format_kk_number(std::string_view district_code, CivilDate issue_date, int serial) {
  return fmt::format("{}{:04d}", kk_prefix(district_code, issue_date), serial);
}

}  // namespace ektp
