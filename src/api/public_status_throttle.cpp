#include "api/public_status_throttle.h"

#include <algorithm>

namespace ektp::api {

template <class V>
V& PublicStatusThrottle::Bounded<V>::touch(std::string_view key, std::size_t max) {
  std::string k(key);
  if (auto it = slots.find(k); it != slots.end()) {
    recency.splice(recency.begin(), recency, it->second.recency);
    return it->second.value;
  }
  while (!recency.empty() && slots.size() >= std::max<std::size_t>(max, 1)) {
    slots.erase(recency.back());
    recency.pop_back();
  }
  recency.push_front(k);
  auto [it, inserted] = slots.emplace(std::move(k), Slot{V{}, recency.begin()});
  (void)inserted;
  return it->second.value;
}

template <class V>
V* PublicStatusThrottle::Bounded<V>::find(std::string_view key) {
  auto it = slots.find(std::string(key));
  return it == slots.end() ? nullptr : &it->second.value;
}

template <class V>
void PublicStatusThrottle::Bounded<V>::erase(std::string_view key) {
  auto it = slots.find(std::string(key));
  if (it == slots.end()) return;
  recency.erase(it->second.recency);
  slots.erase(it);
}

PublicStatusThrottle::Decision PublicStatusThrottle::admit(std::string_view address, std::string_view nik,
                                                           std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Decision decision;
  Address& a = addresses_.touch(address, options_.entries_max);
  if (a.lookups == 0 || now_ms - a.minute_start_ms >= 60'000 || now_ms < a.minute_start_ms) {
    a.minute_start_ms = now_ms;
    a.lookups = 0;
  }
  if (a.lookups >= options_.address_lookups_per_minute) {
    decision.allowed = false;
    decision.retry_after_ms = a.minute_start_ms + 60'000 - now_ms;
  }
  if (const Nik* n = niks_.find(nik); n && n->locked_until_ms > now_ms) {
    decision.allowed = false;
    decision.retry_after_ms = std::max(decision.retry_after_ms, n->locked_until_ms - now_ms);
  }
  if (decision.allowed) ++a.lookups;
  decision.retry_after_ms = std::max<std::int64_t>(decision.retry_after_ms, decision.allowed ? 0 : 1'000);
  return decision;
}

PublicStatusThrottle::MissReport PublicStatusThrottle::record_miss(std::string_view address, std::string_view nik,
                                                                   std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  MissReport report;
  Nik& n = niks_.touch(nik, options_.entries_max);
  ++n.misses;
  report.nik_misses = n.misses;
  if (n.misses > options_.nik_free_misses) {
    std::int64_t lockout = options_.nik_first_lockout_ms;
    for (std::uint32_t i = options_.nik_free_misses + 1; i < n.misses && lockout < options_.nik_lockout_max_ms; ++i) {
      lockout *= 2;
    }
    n.locked_until_ms = now_ms + std::min(lockout, options_.nik_lockout_max_ms);
  }

  Address& a = addresses_.touch(address, options_.entries_max);
  if (a.missed_niks.empty() || now_ms - a.walk_start_ms >= options_.walk_window_ms || now_ms < a.walk_start_ms) {
    a.walk_start_ms = now_ms;
    a.missed_niks.clear();
    a.walk_reported = false;
  }
  if (a.missed_niks.size() < options_.walk_distinct_niks) a.missed_niks.emplace(nik);
  if (!a.walk_reported && a.missed_niks.size() >= options_.walk_distinct_niks) {
    a.walk_reported = true;
    report.address_walk = true;
  }

  if (overall_misses_ == 0 || now_ms - overall_start_ms_ >= options_.walk_window_ms || now_ms < overall_start_ms_) {
    overall_start_ms_ = now_ms;
    overall_misses_ = 0;
    overall_reported_ = false;
  }
  ++overall_misses_;
  if (!overall_reported_ && overall_misses_ >= options_.walk_overall_misses) {
    overall_reported_ = true;
    report.overall_walk = true;
  }
  return report;
}

void PublicStatusThrottle::record_hit(std::string_view nik) {
  std::lock_guard lock(mutex_);
  niks_.erase(nik);
}

std::size_t PublicStatusThrottle::address_entries() const {
  std::lock_guard lock(mutex_);
  return addresses_.slots.size();
}

std::size_t PublicStatusThrottle::nik_entries() const {
  std::lock_guard lock(mutex_);
  return niks_.slots.size();
}

}  // namespace ektp::api
