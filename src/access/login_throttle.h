// Failed-login throttling with sliding windows, and the gate that lets one login at a time into
// password hashing. Failures count per (username, client address) and per client address, so an
// attacker's guesses from one address never lock the real user out from another, and a window
// that slides (rather than calendar minutes) never doubles the guesses at a boundary. Memory is
// bounded: at most `keys_max` keys per table, each holding at most its limit of timestamps.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>
#include <utility>
#include <unordered_map>

namespace ektp::access {

struct LoginThrottleLimits {
  std::int64_t window_ms = 60'000;
  std::size_t per_user_address = 10;  // failures in a window for one username from one address
  std::size_t per_address = 50;       // failures in a window from one address, any usernames
  std::size_t keys_max = 20'000;      // per table
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleLimits limits = {}) : limits_(limits) {}

  // True when another attempt for this username from this address may go ahead at now_ms.
  bool allowed(std::string_view username, std::string_view address, std::int64_t now_ms);
  void record_failure(std::string_view username, std::string_view address, std::int64_t now_ms);
  // A correct password forgets the failures of that (username, address).
  void record_success(std::string_view username, std::string_view address);

  const LoginThrottleLimits& limits() const { return limits_; }

 private:
  using Table = std::unordered_map<std::string, std::deque<std::int64_t>>;
  bool under(Table& table, const std::string& key, std::size_t limit, std::int64_t now_ms);
  void add(Table& table, std::string key, std::size_t limit, std::int64_t now_ms);

  LoginThrottleLimits limits_;
  std::mutex mutex_;
  Table by_user_address_;
  Table by_address_;
};

// At most one thread at a time inside password hashing; others wait up to `wait` and then give up
// (the HTTP layer answers 503 with Retry-After instead of stalling every worker on argon2).
class HashGate {
 public:
  explicit HashGate(std::chrono::milliseconds wait = std::chrono::milliseconds(2'000)) : wait_(wait) {}

  class Pass {
   public:
    explicit Pass(std::binary_semaphore* held) : held_(held) {}
    Pass(Pass&& other) noexcept : held_(std::exchange(other.held_, nullptr)) {}
    Pass& operator=(Pass&&) = delete;
    ~Pass() {
      if (held_ != nullptr) held_->release();
    }
    explicit operator bool() const { return held_ != nullptr; }

   private:
    std::binary_semaphore* held_;
  };

  // An empty Pass when the gate stayed busy for the whole wait.
  Pass enter() { return Pass(semaphore_.try_acquire_for(wait_) ? &semaphore_ : nullptr); }

 private:
  std::chrono::milliseconds wait_;
  std::binary_semaphore semaphore_{1};
};

}  // namespace ektp::access
