#include "access/session_cache.h"

namespace ektp::access {

std::optional<CachedSession> SessionCache::find(std::string_view token_hash, std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(std::string(token_hash));
  if (found == entries_.end()) return std::nullopt;
  const Entry& entry = found->second;
  // A clock that went back counts as stale too.
  if (now_ms < entry.checked_at_ms || now_ms - entry.checked_at_ms >= ttl_ms_) return std::nullopt;
  if (entry.session.expires_at_ms <= now_ms) return std::nullopt;
  return entry.session;
}

void SessionCache::remember(std::string token_hash, CachedSession session, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= entries_max_) entries_.clear();
  entries_.insert_or_assign(std::move(token_hash), Entry{std::move(session), now_ms});
}

void SessionCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace ektp::access
