#include "agency/call_burst_watch.h"

#include <set>

#include <fmt/format.h>

#include "core/civil_date.h"

namespace ektp::agency {

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kJakartaOffsetMs = 7 * kHourMs;  // WIB, no daylight saving

int jakarta_hour_of_ms(std::int64_t at_ms) {
  const std::int64_t local = at_ms + kJakartaOffsetMs;
  return static_cast<int>(((local % kDayMs) + kDayMs) % kDayMs / kHourMs);
}

std::int64_t bucket_of_ms(std::int64_t at_ms) {
  return at_ms >= 0 ? at_ms / kBurstBucketMs : (at_ms - kBurstBucketMs + 1) / kBurstBucketMs;
}

// "07–17 WIB" for the usual hours, runs joined ("07–11, 13–17 WIB"); "none" if there is none.
std::string describe(const UsualHours& usual) {
  std::string text;
  for (int h = 0; h < 24; ++h) {
    if (!usual.hour[h] || (h > 0 && usual.hour[h - 1])) continue;
    int last = h;
    while (last + 1 < 24 && usual.hour[last + 1]) ++last;
    text += fmt::format("{}{:02}–{:02}", text.empty() ? "" : ", ", h, last + 1);
  }
  return text.empty() ? "none" : text + " WIB";
}

}  // namespace

Result<std::int64_t> count_call_bucket(store::Connection& db, std::string_view agency_code, std::int64_t at_ms,
                                       std::int64_t calls) {
  const std::int64_t bucket = bucket_of_ms(at_ms);
  auto counted = db.execute(
      "INSERT INTO agency_call_buckets (agency_code, bucket, calls) VALUES ($1, $2, $3) "
      "ON CONFLICT (agency_code, bucket) DO UPDATE SET calls = agency_call_buckets.calls + $3",
      {std::string(agency_code), bucket, calls});
  if (!counted) return std::unexpected(counted.error());
  auto rows = db.execute("SELECT calls FROM agency_call_buckets WHERE agency_code = $1 AND bucket = $2",
                         {std::string(agency_code), bucket});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return make_error(ErrorCode::kInternal, "agency call bucket vanished");
  return rows->rows.front().integer(0);
}

Result<std::optional<UsualHours>> usual_hours(store::Connection& db, std::string_view agency_code,
                                              std::int64_t at_ms) {
  const std::int64_t today_start = jakarta_day_start_ms(jakarta_day_of_ms(at_ms));
  const std::int64_t from = today_start - kProfileDays * kDayMs;
  auto rows = db.execute(
      "SELECT bucket, calls FROM agency_call_buckets WHERE agency_code = $1 AND bucket >= $2 AND bucket < $3",
      {std::string(agency_code), bucket_of_ms(from), bucket_of_ms(today_start)});
  if (!rows) return std::unexpected(rows.error());
  double per_hour[24] = {};
  double total = 0;
  std::set<std::int64_t> days;
  for (const auto& row : rows->rows) {
    const std::int64_t start_ms = row.integer(0) * kBurstBucketMs;
    const auto calls = static_cast<double>(row.integer(1));
    per_hour[jakarta_hour_of_ms(start_ms)] += calls;
    total += calls;
    days.insert(jakarta_day_of_ms(start_ms));
  }
  if (static_cast<int>(days.size()) < kProfileDaysMin) return std::optional<UsualHours>();
  UsualHours usual;
  usual.days_seen = static_cast<int>(days.size());
  for (int h = 0; h < 24; ++h) usual.hour[h] = per_hour[h] >= kUsualHourShareMin * total;
  return std::optional<UsualHours>(usual);
}

Result<std::optional<std::string>> off_hours_burst(store::Connection& db, std::string_view agency_code,
                                                   std::int64_t at_ms, std::int64_t calls_in_bucket) {
  if (calls_in_bucket < kBurstCallsMin || calls_in_bucket % kBurstCallsMin != 0) return std::optional<std::string>();
  EKTP_ASSIGN_OR_RETURN(const auto usual, usual_hours(db, agency_code, at_ms));
  const int hour = jakarta_hour_of_ms(at_ms);
  if (!usual || usual->hour[hour]) return std::optional<std::string>();
  return std::optional<std::string>(fmt::format("{} calls within 10 minutes at {:02} WIB, outside its usual hours {}",
                                                calls_in_bucket, hour, describe(*usual)));
}

Status prune_call_buckets(store::Connection& db, std::int64_t now_ms) {
  auto pruned = db.execute("DELETE FROM agency_call_buckets WHERE bucket < $1",
                           {bucket_of_ms(now_ms - kBucketKeepDays * kDayMs)});
  if (!pruned) return std::unexpected(pruned.error());
  return {};
}

}  // namespace ektp::agency
