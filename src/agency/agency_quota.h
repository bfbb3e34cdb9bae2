// The daily quota of an agency's agreement: calls counted per agency per Asia/Jakarta day (UTC+7,
// no daylight saving), in the database so that every server counts the same. Counting happens in
// the caller's write transaction, beside the call's own writes and audit, so a call that fails
// and rolls back is not counted. Thread-safety: free functions over a caller's Connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/civil_date.h"  // jakarta_day_of_ms: the day quotas count in
#include "core/error.h"
#include "store/database.h"

namespace ektp::agency {

// When the quota of the day of `now_ms` resets: the next Jakarta midnight, in ms since the epoch.
std::int64_t quota_reset_ms(std::int64_t now_ms);

struct QuotaUse {
  std::int64_t calls_today = 0;  // counted this Jakarta day, this call included
  std::int64_t quota = 0;
  std::int64_t reset_at_ms = 0;  // quota_reset_ms(now_ms)
};

// Counts `calls` (a bulk match counts its rows) against `quota` for today. Refused, with nothing
// counted, when that would pass the quota: kResourceExhausted (agency_quota_exceeded), the message
// saying when it resets (quota_reset_ms(now_ms) gives the same as a number). kInvalidArgument
// for calls or quota below 1. Must run inside a write transaction.
Result<QuotaUse> count_call(store::Connection& db, std::string_view agency_code, std::int64_t now_ms,
                            std::int64_t quota, std::int64_t calls = 1);

// Today's use, counting nothing.
Result<QuotaUse> quota_use(store::Connection& db, std::string_view agency_code, std::int64_t now_ms,
                           std::int64_t quota);

}  // namespace ektp::agency
