#include "access/read_quota.h"

#include <charconv>

#include <fmt/format.h>

namespace ektp::access {

std::uint32_t ReadQuotaLimits::per_day(Role role) const {
  switch (role) {
    case Role::kOperator: return operator_per_day;
    case Role::kSupervisor: return supervisor_per_day;
    case Role::kAdjudicator: return adjudicator_per_day;
    case Role::kAdmin: return admin_per_day;
    case Role::kAgency:
    case Role::kResident: return 0;  // they read through their own routes, never the register
  }
  return 0;
}

ReadCharge ReadQuota::charge(std::string_view username, Role role, std::size_t persons, std::int64_t now_ms,
                             std::int64_t day) {
  constexpr std::int64_t kMinuteMs = 60'000;
  const std::uint32_t limit = limits_.per_day(role);
  const auto count = static_cast<std::uint32_t>(std::min<std::size_t>(persons, limit + 1ULL));
  std::lock_guard lock(mutex_);
  Usage& usage = usage_[std::string(username)];
  if (usage.day != day) {
    usage.day = day;
    usage.used = 0;
    usage.refused_today = false;
  }
  ReadCharge charge;
  charge.limit = limit;
  if (static_cast<std::uint64_t>(usage.used) + count > limit) {
    charge.allowed = false;
    charge.first_refusal_today = !usage.refused_today;
    usage.refused_today = true;
    charge.used_today = usage.used;
    charge.in_window = usage.in_window;
    return charge;
  }
  usage.used += count;
  // The sliding window, in whole minutes.
  const std::int64_t minute = now_ms / kMinuteMs;
  const std::int64_t window_minutes = std::max<std::int64_t>(1, limits_.alert_window.count() / kMinuteMs);
  while (!usage.recent.empty() && usage.recent.front().first <= minute - window_minutes) {
    usage.in_window -= usage.recent.front().second;
    usage.recent.pop_front();
  }
  if (!usage.recent.empty() && usage.recent.back().first == minute) {
    usage.recent.back().second += count;
  } else {
    usage.recent.emplace_back(minute, count);
  }
  usage.in_window += count;
  if (usage.in_window >= limits_.alert_persons && now_ms >= usage.alerted_until_ms) {
    charge.alert = true;
    usage.alerted_until_ms = now_ms + limits_.alert_window.count();  // one alert per window
  }
  charge.used_today = usage.used;
  charge.in_window = usage.in_window;
  return charge;
}

Status parse_read_quota(std::string_view text, ReadQuotaLimits& limits) {
  ReadQuotaLimits parsed = limits;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, end - start);
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      return invalid_argument(fmt::format("read quota: '{}' is not ROLE=COUNT", item.substr(0, 40)));
    }
    const std::string_view key = item.substr(0, equals);
    const std::string_view value = item.substr(equals + 1);
    std::uint32_t number = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
      return invalid_argument(fmt::format("read quota: '{}' is not a count from 0 to 4294967295", value.substr(0, 20)));
    }
    if (key == "operator") parsed.operator_per_day = number;
    else if (key == "supervisor") parsed.supervisor_per_day = number;
    else if (key == "adjudicator") parsed.adjudicator_per_day = number;
    else if (key == "admin") parsed.admin_per_day = number;
    else if (key == "alert") parsed.alert_persons = number;
    else {
      return invalid_argument(fmt::format(
          "read quota: '{}' is not one of operator, supervisor, adjudicator, admin, alert", key.substr(0, 40)));
    }
    start = end + 1;
  }
  limits = parsed;
  return {};
}

}  // namespace ektp::access
