// How many residents one member of staff may read: a daily quota per role, and an alert when
// someone reads many residents in a short time (someone copying the register through searches).
// Counted per server process, in memory (a restart starts the day's count again; several
// servers each count their own). Thread-safe; memory is bounded by the number of users.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/error.h"
#include "core/role.h"

namespace ektp::access {

struct ReadQuotaLimits {
  std::uint32_t operator_per_day = 2'000;
  std::uint32_t supervisor_per_day = 5'000;
  std::uint32_t adjudicator_per_day = 2'000;
  std::uint32_t admin_per_day = 1'000;
  std::uint32_t alert_persons = 300;  // residents read within alert_window that raise an alert
  std::chrono::milliseconds alert_window{10 * 60 * 1000};

  std::uint32_t per_day(Role role) const;
};

struct ReadCharge {
  bool allowed = true;
  bool first_refusal_today = false;  // the first refused read of the day: worth an alert
  bool alert = false;                // this read crossed alert_persons within alert_window
  std::uint32_t used_today = 0;
  std::uint32_t limit = 0;
  std::uint32_t in_window = 0;
};

class ReadQuota {
 public:
  explicit ReadQuota(ReadQuotaLimits limits = {}) : limits_(limits) {}

  // Charges `persons` reads to `username` on `day` (a day number, e.g. days since the epoch in
  // Jakarta). Refused — and nothing charged — when that would pass the role's daily quota.
  ReadCharge charge(std::string_view username, Role role, std::size_t persons, std::int64_t now_ms,
                    std::int64_t day);

  const ReadQuotaLimits& limits() const { return limits_; }

 private:
  struct Usage {
    std::int64_t day = 0;
    std::uint32_t used = 0;
    bool refused_today = false;
    std::deque<std::pair<std::int64_t, std::uint32_t>> recent;  // (minute, persons), oldest first
    std::uint32_t in_window = 0;
    std::int64_t alerted_until_ms = 0;
  };
  const ReadQuotaLimits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Usage> usage_;  // guarded by mutex_
};

// Parses "operator=2000,supervisor=5000,alert=300" into `limits` (keys: the roles, and alert).
Status parse_read_quota(std::string_view text, ReadQuotaLimits& limits);

}  // namespace ektp::access
