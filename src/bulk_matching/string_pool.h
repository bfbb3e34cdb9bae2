// An append-only pool of interned strings for the register index: every distinct string is stored
// once in one byte arena and named by a 32-bit id (its offset), so 16 million persons whose names,
// mothers' names, places and streets repeat endlessly cost 4 bytes per field plus the distinct
// texts. Lookup of a text that may not be there (a claim's village code) never inserts.
// Limits: a string is at most 255 bytes (longer ones are cut), the arena at most 4 GiB.
// Thread-safety: intern() mutates; once building is over, every const member may be called from
// any number of threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ektp::bulk {

inline constexpr std::size_t kPooledStringBytesMax = 255;

class StringPool {
 public:
  using Id = std::uint32_t;

  StringPool();

  // The id of `text` (cut to kPooledStringBytesMax), adding it if new. kResourceExhausted when
  // the arena would pass 4 GiB.
  Result<Id> intern(std::string_view text);
  // The id of `text` if it is already pooled.
  std::optional<Id> find(std::string_view text) const;
  // The text of an id that intern() returned.
  std::string_view view(Id id) const {
    const auto length = static_cast<unsigned char>(arena_[id]);
    return {arena_.data() + id + 1, length};
  }

  std::size_t distinct() const { return count_; }
  // Bytes held: the arena and the hash table.
  std::size_t memory_bytes() const;
  // Frees the hash table (find() and intern() may not be called afterwards): for a finished
  // index that only reads texts by id.
  void freeze();

 private:
  static std::uint64_t hash(std::string_view text);
  void grow();

  std::string arena_;
  std::vector<Id> slots_;  // open addressing; kEmpty marks a free slot
  std::size_t count_ = 0;
  bool frozen_ = false;
};

// A memo from a 64-bit text fingerprint to a pooled id, so that building the index normalises
// each distinct text once (names repeat: most persons share their name, mother's name and place
// with many others). Open addressing, at most kMemoEntriesMax entries (beyond that it stops
// remembering, which only costs time). A 64-bit collision would give one text another's key:
// about 10^-5 for 16 million distinct texts, accepted. Thread-safety: as StringPool.
class FingerprintMemo {
 public:
  static constexpr std::size_t kMemoEntriesMax = std::size_t{1} << 26;

  std::optional<StringPool::Id> find(std::uint64_t fingerprint) const;
  void put(std::uint64_t fingerprint, StringPool::Id id);
  void clear();
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint64_t fingerprint = 0;  // 0: free (a fingerprint of 0 is not remembered)
    StringPool::Id id = 0;
  };
  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

}  // namespace ektp::bulk
