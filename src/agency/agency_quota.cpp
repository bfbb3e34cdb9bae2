// Per-agency daily call counts (agency/agency_quota.h).
#include "agency/agency_quota.h"

#include <fmt/format.h>

#include <chrono>

#include "agency/agency_registry.h"

namespace ektp::agency {
namespace {

// "2026-12-04 00:00 WIB" for the reset moment of a day.
std::string reset_text(std::int64_t reset_ms) {
  const std::int64_t days = jakarta_day_of_ms(reset_ms);
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
  return fmt::format("{:04}-{:02}-{:02} 00:00 WIB", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()));
}

Result<std::int64_t> calls_on(store::Connection& db, std::string_view agency_code, std::int64_t day) {
  auto rows = db.execute("SELECT calls FROM agency_usage WHERE agency_code = $1 AND day = $2",
                         {std::string(agency_code), day});
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.empty() ? 0 : rows->rows.front().integer(0);
}

}  // namespace

std::int64_t quota_reset_ms(std::int64_t now_ms) { return jakarta_day_start_ms(jakarta_day_of_ms(now_ms) + 1); }

Result<QuotaUse> count_call(store::Connection& db, std::string_view agency_code, std::int64_t now_ms,
                            std::int64_t quota, std::int64_t calls) {
  if (quota < 1) return invalid_argument("quota: at least 1 call a day");
  if (calls < 1 || calls > agency_limits::daily_quota_max) {
    return invalid_argument(fmt::format("calls: 1 to {}", agency_limits::daily_quota_max));
  }
  const std::int64_t day = jakarta_day_of_ms(now_ms);
  const std::int64_t reset_ms = quota_reset_ms(now_ms);
  auto refused = [&](std::int64_t used) {
    return refusal(ErrorCode::kResourceExhausted, std::string(agency_reason::kQuotaExceeded),
                   fmt::format("agency {}: {} of the {} calls of today used; the quota resets at {} ({} ms)",
                               agency_code, used, quota, reset_text(reset_ms), reset_ms));
  };
  if (calls > quota) return refused(0);
  // One statement counts or refuses: the update's condition is checked on the row as locked, so
  // concurrent calls cannot both take the last unit of the quota (PostgreSQL READ COMMITTED
  // included). Nothing is written when it refuses.
  auto counted = db.execute(
      "INSERT INTO agency_usage (agency_code, day, calls) VALUES ($1, $2, $3) "
      "ON CONFLICT (agency_code, day) DO UPDATE SET calls = agency_usage.calls + $3 "
      "WHERE agency_usage.calls + $3 <= $4",
      {std::string(agency_code), day, calls, quota});
  if (!counted) return std::unexpected(counted.error());
  EKTP_ASSIGN_OR_RETURN(const std::int64_t used, calls_on(db, agency_code, day));
  if (counted->rows_affected == 0) return refused(used);
  return QuotaUse{used, quota, reset_ms};
}

Result<QuotaUse> quota_use(store::Connection& db, std::string_view agency_code, std::int64_t now_ms,
                           std::int64_t quota) {
  EKTP_ASSIGN_OR_RETURN(const std::int64_t used, calls_on(db, agency_code, jakarta_day_of_ms(now_ms)));
  return QuotaUse{used, quota, quota_reset_ms(now_ms)};
}

}  // namespace ektp::agency
