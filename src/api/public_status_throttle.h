// The throttle of the public routes anyone may call without an account — the enrollment status
// and the resident's sign-in (api/resident_routes.cpp), each with its own instance:
//   per client address: a small budget of lookups per minute;
//   per NIK: a few free misses, then a lockout that doubles with each further miss (1 min, 2 min,
//     4 min … up to a day), so guessing one resident's receipt number is hopeless;
//   walk alert: one address missing on many distinct NIKs within a window, or many misses
//     overall, is reported once per window so the caller can log and audit it.
// Every table is bounded (entries_max each); when full, the least recently seen entry goes.
// Time comes in as an argument (milliseconds), so tests drive it. Thread-safe: one mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace ektp::api {

struct PublicStatusThrottleOptions {
  std::uint32_t address_lookups_per_minute = 10;
  std::uint32_t nik_free_misses = 5;
  std::int64_t nik_first_lockout_ms = 60'000;
  std::int64_t nik_lockout_max_ms = 24 * 3'600'000LL;
  std::int64_t walk_window_ms = 10 * 60'000;
  std::size_t walk_distinct_niks = 20;   // per address within the window
  std::size_t walk_overall_misses = 500; // all addresses together within the window
  std::size_t entries_max = 20'000;      // per table
};

class PublicStatusThrottle {
 public:
  explicit PublicStatusThrottle(PublicStatusThrottleOptions options = {}) : options_(options) {}

  struct Decision {
    bool allowed = true;
    std::int64_t retry_after_ms = 0;
  };
  // Before a lookup: counts it against the address's budget; refuses while the address is over
  // its budget or the NIK is locked out.
  Decision admit(std::string_view address, std::string_view nik, std::int64_t now_ms);

  struct MissReport {
    bool address_walk = false;  // this address crossed walk_distinct_niks in the window (once)
    bool overall_walk = false;  // misses overall crossed walk_overall_misses in the window (once)
    std::uint32_t nik_misses = 0;  // this NIK's misses since its last hit, this one included
  };
  // After a lookup that found nothing (unknown NIK or wrong receipt number).
  MissReport record_miss(std::string_view address, std::string_view nik, std::int64_t now_ms);
  // After a lookup that matched: the NIK's misses are forgiven.
  void record_hit(std::string_view nik);

  std::size_t address_entries() const;
  std::size_t nik_entries() const;

 private:
  struct Address {
    std::int64_t minute_start_ms = 0;
    std::uint32_t lookups = 0;
    std::int64_t walk_start_ms = 0;
    std::unordered_set<std::string> missed_niks;  // at most walk_distinct_niks
    bool walk_reported = false;
  };
  struct Nik {
    std::uint32_t misses = 0;
    std::int64_t locked_until_ms = 0;
  };

  // A map with a recency list; inserting into a full map forgets the least recently used entry.
  template <class V>
  struct Bounded {
    struct Slot {
      V value;
      std::list<std::string>::iterator recency;
    };
    std::unordered_map<std::string, Slot> slots;
    std::list<std::string> recency;  // front = most recent
    V& touch(std::string_view key, std::size_t max);
    V* find(std::string_view key);
    void erase(std::string_view key);
  };

  const PublicStatusThrottleOptions options_;
  mutable std::mutex mutex_;
  Bounded<Address> addresses_;
  Bounded<Nik> niks_;
  std::int64_t overall_start_ms_ = 0;
  std::size_t overall_misses_ = 0;
  bool overall_reported_ = false;
};

}  // namespace ektp::api
