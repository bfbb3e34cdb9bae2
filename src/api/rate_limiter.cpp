#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "core/assert.h"

namespace ektp::api {

RateLimiter::RateLimiter(std::uint32_t requests_per_s, std::uint32_t burst,
                         std::size_t clients_max)
    : requests_per_s_(requests_per_s),
      burst_(burst == 0 ? requests_per_s : burst),
      clients_max_(clients_max) {
  EKTP_ASSERT(requests_per_s > 0);
  EKTP_ASSERT(burst_ >= 1.0);
  EKTP_ASSERT(clients_max > 0);
}

RateLimiter::Decision RateLimiter::acquire(std::string_view client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(client);
  if (found == buckets_.end()) {
    if (buckets_.size() >= clients_max_) {
      buckets_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.emplace_front(client);
    found = buckets_.emplace(recency_.front(), Bucket{burst_, now, recency_.begin()}).first;
  } else {
    recency_.splice(recency_.begin(), recency_, found->second.recency);
  }
  Bucket& bucket = found->second;
  if (now > bucket.refilled_at) {
    const double elapsed_s = std::chrono::duration<double>(now - bucket.refilled_at).count();
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed_s * requests_per_s_);
    bucket.refilled_at = now;
  }
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return Decision{true, std::chrono::milliseconds(0)};
  }
  const double wait_ms = std::ceil((1.0 - bucket.tokens) / requests_per_s_ * 1000.0);
  return Decision{false, std::chrono::milliseconds(static_cast<std::int64_t>(wait_ms))};
}

std::size_t RateLimiter::client_count() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace ektp::api
