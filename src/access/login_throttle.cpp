#include "access/login_throttle.h"

#include <iterator>

namespace ektp::access {

namespace {

std::string pair_key(std::string_view username, std::string_view address) {
  std::string key(address);
  key += '\n';  // neither a username nor an address contains a newline
  key += username;
  return key;
}

void drop_old(std::deque<std::int64_t>& times, std::int64_t since_ms) {
  while (!times.empty() && times.front() <= since_ms) times.pop_front();
}

}  // namespace

bool LoginThrottle::under(Table& table, const std::string& key, std::size_t limit, std::int64_t now_ms) {
  auto it = table.find(key);
  if (it == table.end()) return true;
  drop_old(it->second, now_ms - limits_.window_ms);
  if (it->second.empty()) {
    table.erase(it);
    return true;
  }
  return it->second.size() < limit;
}

void LoginThrottle::add(Table& table, std::string key, std::size_t limit, std::int64_t now_ms) {
  if (table.size() >= limits_.keys_max && !table.contains(key)) {
    for (auto it = table.begin(); it != table.end();) {
      drop_old(it->second, now_ms - limits_.window_ms);
      it = it->second.empty() ? table.erase(it) : std::next(it);
    }
    // Still full of live keys: forget one so the table stays bounded. The per-address table
    // still holds back whoever is filling it.
    if (table.size() >= limits_.keys_max) table.erase(table.begin());
  }
  auto& times = table[std::move(key)];
  drop_old(times, now_ms - limits_.window_ms);
  times.push_back(now_ms);
  while (times.size() > limit) times.pop_front();
}

bool LoginThrottle::allowed(std::string_view username, std::string_view address, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  return under(by_address_, std::string(address), limits_.per_address, now_ms) &&
         under(by_user_address_, pair_key(username, address), limits_.per_user_address, now_ms);
}

void LoginThrottle::record_failure(std::string_view username, std::string_view address, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  add(by_address_, std::string(address), limits_.per_address, now_ms);
  add(by_user_address_, pair_key(username, address), limits_.per_user_address, now_ms);
}

void LoginThrottle::record_success(std::string_view username, std::string_view address) {
  std::lock_guard lock(mutex_);
  by_user_address_.erase(pair_key(username, address));
}

}  // namespace ektp::access
