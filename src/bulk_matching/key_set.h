// A set of 64-bit keys for duplicate detection over a whole file: open addressing with linear
// probing in one flat array (no node per key), grown by 1.5× when more than 85 % full, so it
// costs 8 bytes per slot and 9.4–14 bytes per key (16.4 M keys: about 155–230 MB; reserve() up
// front gives the low end and avoids the transient of a grow, which briefly holds the old and the
// new array, 2.5× the old). Key 0 is stored
// out of line. Also the 64-bit text hash the row_id set uses. Thread-safety: one per file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ektp::bulk {

// A 64-bit hash of text (8 bytes at a time, SplitMix64 finaliser). Not keyed, not for secrets:
// an agency can only make its own file's duplicate checks slower or wrong.
std::uint64_t hash_text(std::string_view text);

class KeySet {
 public:
  KeySet() = default;
  // Sizes the table for `keys` keys without growing.
  void reserve(std::size_t keys);
  // Adds `key`; returns false if it was already present.
  bool insert(std::uint64_t key);

  // Check now, add later, with one walk of the table: probe() finds `key` or the empty slot it
  // would take (growing the table first if one more key would pass the load limit), and
  // insert_at() fills that slot. Nothing may be inserted into this set in between.
  struct Probe {
    std::size_t slot = 0;
    bool found = false;
  };
  Probe probe(std::uint64_t key);
  void insert_at(const Probe& probe, std::uint64_t key);
  bool contains(std::uint64_t key) const;
  std::size_t size() const { return size_ + (has_zero_ ? 1 : 0); }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint64_t); }

 private:
  std::size_t slot_of(std::uint64_t key) const;
  void grow_to(std::size_t capacity);

  std::vector<std::uint64_t> slots_;  // 0 = empty
  std::size_t size_ = 0;
  bool has_zero_ = false;
};

}  // namespace ektp::bulk
