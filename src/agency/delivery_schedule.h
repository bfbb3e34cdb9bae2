// When a webhook delivery that failed is tried again: a growing schedule over more than three
// days (30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h, then 24 h three times: 13 attempts
// over 4 days 3 h 42 min), after which the delivery is dead-lettered and waits for the agency to
// replay it. A test server may shrink the whole schedule by a factor (ektp serve
// --webhook-retry-scale). Pure: thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

namespace ektp::agency {

inline constexpr std::int64_t kSecondMs = 1000;
inline constexpr std::int64_t kMinuteMs = 60 * kSecondMs;
inline constexpr std::int64_t kHourMs = 60 * kMinuteMs;

// The wait after the 1st, 2nd, … failed attempt in a row.
inline constexpr std::array<std::int64_t, 12> kRetryDelaysMs{
    30 * kSecondMs, 2 * kMinuteMs, 10 * kMinuteMs, 30 * kMinuteMs, 1 * kHourMs,  2 * kHourMs,
    4 * kHourMs,    8 * kHourMs,   12 * kHourMs,   24 * kHourMs,   24 * kHourMs, 24 * kHourMs,
};
// The first attempt and one after each wait; the one after that failure is dead-lettered.
inline constexpr int kDeliveryAttemptsMax = static_cast<int>(kRetryDelaysMs.size()) + 1;

inline constexpr std::int64_t retry_schedule_total_ms() {
  std::int64_t total = 0;
  for (std::int64_t delay : kRetryDelaysMs) total += delay;
  return total;
}
static_assert(retry_schedule_total_ms() >= 72 * kHourMs, "retries must span at least three days");
static_assert(kRetryDelaysMs.front() > 0, "the first retry waits");

// The smallest factor a test may shrink the schedule by (30 s becomes 3 ms).
inline constexpr double kRetryScaleMin = 1e-4;

// After `failures` failed attempts in a row (1 …): when to try next, or nullopt when the delivery
// goes to the dead-letter list. `scale` in [kRetryScaleMin, 1] shrinks every wait (at least 1 ms).
inline std::optional<std::int64_t> next_attempt_at_ms(int failures, std::int64_t now_ms, double scale = 1.0) {
  if (failures < 1 || failures > static_cast<int>(kRetryDelaysMs.size())) return std::nullopt;
  const double delay = static_cast<double>(kRetryDelaysMs[static_cast<std::size_t>(failures - 1)]) * scale;
  return now_ms + std::max<std::int64_t>(1, std::llround(delay));
}

}  // namespace ektp::agency
