// A token bucket per client address: each client may make `requests_per_s` requests per second
// on average, in bursts of up to `burst` requests. The table of clients is bounded
// (`clients_max`); when it is full the least recently seen client is forgotten, which at worst
// hands that client a fresh bucket. Thread-safe: one mutex around the table.
#pragma once

#include <chrono>
#include <functional>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ektp::api {

// Clients remembered at once; ~100 bytes each, so the table stays under ~10 MB.
inline constexpr std::size_t rate_limit_clients_max = 65'536;

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool allowed = true;
    std::chrono::milliseconds retry_after{0};  // when refused: wait until a token is available
  };

  // `burst` = 0 means one second's worth (`requests_per_s`). Both must end up positive.
  explicit RateLimiter(std::uint32_t requests_per_s, std::uint32_t burst = 0,
                       std::size_t clients_max = rate_limit_clients_max);

  // Takes one token from `client`'s bucket if there is one.
  Decision acquire(std::string_view client, Clock::time_point now);
  Decision acquire(std::string_view client) { return acquire(client, Clock::now()); }

  std::size_t client_count() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point refilled_at;
    std::list<std::string>::iterator recency;  // position in recency_, front = most recent
  };

  // Lets find() take the string_view without building a std::string per request.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  const double requests_per_s_;
  const double burst_;
  const std::size_t clients_max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket, StringHash, std::equal_to<>> buckets_;  // mutex_
  std::list<std::string> recency_;                   // guarded by mutex_
};

}  // namespace ektp::api
