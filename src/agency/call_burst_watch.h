// Watching agencies for bursts outside their usual hours (SPEC §9): a key that is used at night
// as it never is, hundreds of calls in minutes, looks taken. The watch learns each agency's usual
// hours from its own history instead of asking the agreement for them:
//   - every call is counted in the agency's 10-minute bucket (agency_call_buckets);
//   - the profile is the agency's calls per Jakarta hour of the day over the kProfileDays days
//     before today; it says something only once the agency has called on kProfileDaysMin of
//     them (a new agency is never judged);
//   - an hour is usual when it holds at least kUsualHourShareMin of the profile's calls;
//   - a burst: kBurstCallsMin calls or more in one bucket during an hour that is not usual. It is
//     looked for each time a bucket reaches a multiple of kBurstCallsMin, so the profile query
//     runs at most once per kBurstCallsMin calls.
// Buckets older than kBucketKeepDays are pruned by the call ledger. Thread-safety: free functions
// over a caller's Connection, inside its write transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/database.h"

namespace ektp::agency {

inline constexpr std::int64_t kBurstBucketMs = 10 * 60 * 1000;
inline constexpr std::int64_t kBurstCallsMin = 100;
inline constexpr int kProfileDays = 28;
inline constexpr int kProfileDaysMin = 7;
inline constexpr double kUsualHourShareMin = 0.02;
inline constexpr int kBucketKeepDays = 35;

// Counts `calls` in the agency's bucket of `at_ms`; the bucket's calls, this call included.
Result<std::int64_t> count_call_bucket(store::Connection& db, std::string_view agency_code, std::int64_t at_ms,
                                       std::int64_t calls = 1);

// The Jakarta hours (0–23) the agency usually calls in, learned as above from the days before the
// one of `at_ms`; nullopt while it has called on fewer than kProfileDaysMin of them.
struct UsualHours {
  bool hour[24] = {};
  int days_seen = 0;
};
Result<std::optional<UsualHours>> usual_hours(store::Connection& db, std::string_view agency_code,
                                              std::int64_t at_ms);

// Why the bucket of `at_ms`, now holding `calls_in_bucket`, is a burst outside the agency's usual
// hours ("312 calls within 10 minutes at 02 WIB, outside its usual hours 07–17 WIB"), or nullopt.
Result<std::optional<std::string>> off_hours_burst(store::Connection& db, std::string_view agency_code,
                                                   std::int64_t at_ms, std::int64_t calls_in_bucket);

// Drops buckets older than kBucketKeepDays before `now_ms`.
Status prune_call_buckets(store::Connection& db, std::int64_t now_ms);

}  // namespace ektp::agency
