// Calendar dates of civil life (birth, marriage, death), always in the Asia/Jakarta calendar.
// Pure functions; "today" is always passed in, never read from a clock here.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ektp {

using CivilDate = std::chrono::year_month_day;

// Parses "YYYY-MM-DD"; rejects impossible dates such as 2023-02-30 and years outside 1850–2200.
Result<CivilDate> parse_civil_date(std::string_view text);
std::string format_civil_date(CivilDate date);

// The calendar date in Jakarta (UTC+7, no daylight saving since 1964) at a moment in time.
CivilDate jakarta_date_of(std::chrono::system_clock::time_point moment);
// The same day as a number — days since 1970-01-01 in Jakarta (moments before 1970 too) — from
// milliseconds since the epoch, and the moment (ms) a Jakarta day begins: its 00:00 WIB.
std::int64_t jakarta_day_of_ms(std::int64_t at_ms);
std::int64_t jakarta_day_start_ms(std::int64_t day);

// Whole years completed between birth and `on` (a person born 29 February ages on 1 March).
int age_in_years(CivilDate birth, CivilDate on);

// Indonesian month name ("Agustus") for 1..12.
std::string_view indonesian_month_name(unsigned month);

}  // namespace ektp
