// Interned strings in one arena. Decisions: string_pool.h.
#include "bulk_matching/string_pool.h"

#include <algorithm>
#include <limits>

namespace ektp::bulk {
namespace {

constexpr StringPool::Id kEmpty = std::numeric_limits<StringPool::Id>::max();
constexpr std::size_t kArenaBytesMax = std::numeric_limits<StringPool::Id>::max() - 1;

std::string_view cut(std::string_view text) {
  return text.size() > kPooledStringBytesMax ? text.substr(0, kPooledStringBytesMax) : text;
}

}  // namespace

StringPool::StringPool() : slots_(1024, kEmpty) {}

std::uint64_t StringPool::hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then a final mix
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

std::optional<StringPool::Id> StringPool::find(std::string_view text) const {
  if (frozen_) return std::nullopt;
  text = cut(text);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash(text) & mask;; i = (i + 1) & mask) {
    const Id id = slots_[i];
    if (id == kEmpty) return std::nullopt;
    if (view(id) == text) return id;
  }
}

Result<StringPool::Id> StringPool::intern(std::string_view text) {
  if (frozen_) return failed_precondition("string pool: frozen, no more strings may be added");
  text = cut(text);
  if ((count_ + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash(text) & mask;
  for (;; i = (i + 1) & mask) {
    const Id id = slots_[i];
    if (id == kEmpty) break;
    if (view(id) == text) return id;
  }
  if (arena_.size() + text.size() + 1 > kArenaBytesMax) {
    return make_error(ErrorCode::kResourceExhausted, "string pool: the 4 GiB arena is full");
  }
  const auto id = static_cast<Id>(arena_.size());
  arena_ += static_cast<char>(text.size());
  arena_ += text;
  slots_[i] = id;
  ++count_;
  return id;
}

void StringPool::grow() {
  std::vector<Id> bigger(slots_.size() * 2, kEmpty);
  const std::size_t mask = bigger.size() - 1;
  for (Id id : slots_) {
    if (id == kEmpty) continue;
    std::size_t i = hash(view(id)) & mask;
    while (bigger[i] != kEmpty) i = (i + 1) & mask;
    bigger[i] = id;
  }
  slots_ = std::move(bigger);
}

std::size_t StringPool::memory_bytes() const {
  return arena_.capacity() + slots_.capacity() * sizeof(Id);
}

void StringPool::freeze() {
  frozen_ = true;
  slots_.clear();
  slots_.shrink_to_fit();
  arena_.shrink_to_fit();
}

std::optional<StringPool::Id> FingerprintMemo::find(std::uint64_t fingerprint) const {
  if (slots_.empty() || fingerprint == 0) return std::nullopt;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = fingerprint & mask;; i = (i + 1) & mask) {
    if (slots_[i].fingerprint == fingerprint) return slots_[i].id;
    if (slots_[i].fingerprint == 0) return std::nullopt;
  }
}

void FingerprintMemo::put(std::uint64_t fingerprint, StringPool::Id id) {
  if (fingerprint == 0 || count_ >= kMemoEntriesMax) return;
  if ((count_ + 1) * 2 > slots_.size()) {
    std::vector<Slot> bigger(std::max<std::size_t>(1024, slots_.size() * 2));
    const std::size_t mask = bigger.size() - 1;
    for (const Slot& slot : slots_) {
      if (slot.fingerprint == 0) continue;
      std::size_t i = slot.fingerprint & mask;
      while (bigger[i].fingerprint != 0) i = (i + 1) & mask;
      bigger[i] = slot;
    }
    slots_ = std::move(bigger);
  }
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = fingerprint & mask;
  while (slots_[i].fingerprint != 0 && slots_[i].fingerprint != fingerprint) i = (i + 1) & mask;
  if (slots_[i].fingerprint == 0) ++count_;
  slots_[i] = {fingerprint, id};
}

void FingerprintMemo::clear() {
  slots_.clear();
  slots_.shrink_to_fit();
  count_ = 0;
}

}  // namespace ektp::bulk
