#include "core/civil_date.h"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace ektp {

namespace {

bool parse_fixed_digits(std::string_view text, int& out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kJakartaOffsetMs = 7 * 3'600'000;  // UTC+7

}  // namespace

std::int64_t jakarta_day_of_ms(std::int64_t at_ms) {
  const std::int64_t local = at_ms + kJakartaOffsetMs;
  return local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs);
}

std::int64_t jakarta_day_start_ms(std::int64_t day) { return day * kDayMs - kJakartaOffsetMs; }

Result<CivilDate> parse_civil_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return invalid_argument(fmt::format("date '{}' is not in the form YYYY-MM-DD",
                                        text.substr(0, 20)));
  }
  int year = 0, month = 0, day = 0;
  if (!parse_fixed_digits(text.substr(0, 4), year) || !parse_fixed_digits(text.substr(5, 2), month) ||
      !parse_fixed_digits(text.substr(8, 2), day)) {
    return invalid_argument(fmt::format("date '{}' is not in the form YYYY-MM-DD", text));
  }
  if (year < 1850 || year > 2200) {
    return invalid_argument(fmt::format("date '{}': year {} is out of range", text, year));
  }
  if (month < 1 || month > 12) {
    return invalid_argument(fmt::format("date '{}': month {} is not a month", text, month));
  }
  CivilDate date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                 std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) {
    return invalid_argument(fmt::format("date '{}': {} {} {} is not a date", text, day,
                                        indonesian_month_name(month), year));
  }
  return date;
}

std::string format_civil_date(CivilDate date) {
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

CivilDate jakarta_date_of(std::chrono::system_clock::time_point moment) {
  auto jakarta = moment + std::chrono::hours{7};
  return CivilDate{std::chrono::floor<std::chrono::days>(jakarta)};
}

int age_in_years(CivilDate birth, CivilDate on) {
  int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  auto birth_month = static_cast<unsigned>(birth.month());
  auto on_month = static_cast<unsigned>(on.month());
  if (on_month < birth_month ||
      (on_month == birth_month && static_cast<unsigned>(on.day()) < static_cast<unsigned>(birth.day()))) {
    years -= 1;
  }
  return years;
}

std::string_view indonesian_month_name(unsigned month) {
  static constexpr std::array<std::string_view, 12> names = {
      "Januari", "Februari", "Maret",     "April",   "Mei",      "Juni",
      "Juli",    "Agustus",  "September", "Oktober", "November", "Desember"};
  if (month < 1 || month > 12) return "?";
  return names[month - 1];
}

}  // namespace ektp
