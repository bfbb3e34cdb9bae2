#include "bulk_matching/key_set.h"

#include <algorithm>
#include <cstring>

namespace ektp::bulk {
namespace {

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::size_t kMinimumSlots = 64;
__extension__ typedef unsigned __int128 Uint128;

}  // namespace

std::uint64_t hash_text(std::string_view text) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ text.size();
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    h = mix(h ^ word) + 0x9e3779b97f4a7c15ULL;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, text.data() + i, text.size() - i);
  return mix(h ^ tail ^ (static_cast<std::uint64_t>(text.size() - i) << 56));
}

std::size_t KeySet::slot_of(std::uint64_t key) const {
  // Multiply-shift range reduction: any capacity, not only powers of two.
  return static_cast<std::size_t>(
      (static_cast<Uint128>(mix(key)) * slots_.size()) >> 64);
}

void KeySet::reserve(std::size_t keys) {
  const std::size_t wanted = std::max(kMinimumSlots, keys + keys / 5 + 1);  // ≤ 84 % full
  if (wanted > slots_.size()) grow_to(wanted);
}

void KeySet::grow_to(std::size_t capacity) {
  std::vector<std::uint64_t> old;
  old.swap(slots_);
  slots_.assign(capacity, 0);
  for (const std::uint64_t key : old) {
    if (key == 0) continue;
    std::size_t i = slot_of(key);
    while (slots_[i] != 0) i = i + 1 == slots_.size() ? 0 : i + 1;
    slots_[i] = key;
  }
}

KeySet::Probe KeySet::probe(std::uint64_t key) {
  if (key == 0) return Probe{0, has_zero_};
  // Up to 85 % full: linear probing at that load walks a few neighbouring slots, mostly within
  // one or two cache lines, which costs far less than the memory a lower load would take.
  if ((size_ + 1) * 20 > slots_.size() * 17) {
    grow_to(std::max(kMinimumSlots, slots_.size() + slots_.size() / 2));
  }
  std::size_t i = slot_of(key);
  while (slots_[i] != 0) {
    if (slots_[i] == key) return Probe{i, true};
    i = i + 1 == slots_.size() ? 0 : i + 1;
  }
  return Probe{i, false};
}

void KeySet::insert_at(const Probe& probe, std::uint64_t key) {
  if (probe.found) return;
  if (key == 0) {
    has_zero_ = true;
    return;
  }
  slots_[probe.slot] = key;
  ++size_;
}

bool KeySet::insert(std::uint64_t key) {
  const Probe p = probe(key);
  insert_at(p, key);
  return !p.found;
}

bool KeySet::contains(std::uint64_t key) const {
  if (key == 0) return has_zero_;
  if (slots_.empty()) return false;
  std::size_t i = slot_of(key);
  while (slots_[i] != 0) {
    if (slots_[i] == key) return true;
    i = i + 1 == slots_.size() ? 0 : i + 1;
  }
  return false;
}

}  // namespace ektp::bulk
