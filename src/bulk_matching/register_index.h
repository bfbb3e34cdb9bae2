// The register as bulk matching holds it in memory: one compact record per person, a NIK lookup
// and the demographic blocks, built from a stream of RegisterEntry batches (the job feeds it from
// the database page by page; no RegisterEntry outlives its batch).
//
// Layout (per person; measured by bench/bulk_match_accuracy, bench/README.md "Bulk matching
// accuracy": 77–80 B per person for 0.2–3 million demo persons):
// * columns (struct of arrays), sorted by NIK after building: NIK as uint64 (8 B), interned ids
//   of the name key, mother's name key, place key, address key and village code (5 × 4 B, see
//   StringPool: each distinct text stored once), birth date packed in 4 B, sex and alive in 1 B;
//   fingerprints of the name (8 B), mother's name and place (4 B each) as written, so that a NIK
//   row repeating the register's text skips normalisation — 49 B. NIK lookup is a binary search
//   over the sorted NIK column (no extra table).
// * blocks: every person is filed under the keys of field_keys.h (≈ 2 name words + 2–3 letters,
//   each × birth date: 4.4 postings a person in the demo): one uint32 person id and one 8-bit tag
//   per posting, postings grouped by bucket (≤ 2^24 buckets, one per 2–4 postings, uint32
//   offsets): the key itself is not stored, its tag filters 255 of 256 bucket neighbours and the
//   matcher's scoring drops any that remain. ≈ 6 B per posting, ≈ 28 B per person.
// * the interned texts and the term-frequency table of name words (distinct words × 12 B). The
//   demo register has few distinct names (17,000 texts for 3 million persons: 0.1 B a person);
//   a national register has far more — budget ≈ 20 B per distinct text.
// * while building only: 8 B per posting (key hash + id) and a fingerprint memo of 16 B per
//   distinct text, so each distinct name is normalised once (≈ 1 million persons/s per core).
// Limits: at most kRegisterPersonsMax persons; a block holding more than kBlockPersonsMax after
// tag filtering is not returned (the matcher counts them): so common a (word, date) pair
// tells nobody apart, and the work per claim stays bounded.
// Thread-safety: the builder is single-threaded; a finished RegisterIndex is immutable and every
// member may be called from any number of threads.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "bulk_matching/bulk_row.h"
#include "bulk_matching/string_pool.h"
#include "core/error.h"

namespace ektp::bulk {

inline constexpr std::size_t kRegisterPersonsMax = 100'000'000;
inline constexpr std::size_t kBlockPersonsMax = 512;

using PersonId = std::uint32_t;

// One indexed person; the views point into the index and live as long as it.
struct PersonView {
  std::uint64_t nik = 0;
  std::string_view name_key;     // phonetic_key of the name (field_keys.h)
  std::string_view mother_key;   // phonetic_key of the mother's name
  std::string_view place_key;    // place_key of the place of birth
  std::string_view address_key;  // address_key of the street
  std::string_view village_code;
  std::uint32_t birth_date = 0;  // pack_date
  std::uint64_t name_print = 0;    // text_fingerprint of the name as registered
  std::uint32_t mother_print = 0;  // low 32 bits of text_fingerprint
  std::uint32_t place_print = 0;
  Sex sex = Sex::kMale;
  bool alive = true;
};

struct RegisterIndexStats {
  std::size_t persons = 0;
  std::size_t postings = 0;
  std::size_t buckets = 0;
  std::size_t distinct_strings = 0;
  std::size_t distinct_name_words = 0;
  std::size_t column_bytes = 0;
  std::size_t block_bytes = 0;
  std::size_t string_bytes = 0;
  std::size_t term_bytes = 0;
  std::size_t total_bytes() const { return column_bytes + block_bytes + string_bytes + term_bytes; }
};

// "3327015508900001" → 3327015508900001; nullopt unless exactly 16 ASCII digits.
std::optional<std::uint64_t> nik_number(std::string_view nik);
// The 16-digit text of a NIK number (leading zeros kept).
std::string nik_text(std::uint64_t nik);

class RegisterIndex {
 public:
  std::size_t size() const { return niks_.size(); }
  std::optional<PersonId> find_nik(std::uint64_t nik) const;
  std::optional<PersonId> find_nik(std::string_view nik) const;
  PersonView person(PersonId id) const;

  // Appends the persons filed under `key` (possibly a few unrelated ones, see above) to `out`;
  // false, appending nothing, when the block passed kBlockPersonsMax.
  bool block(std::uint64_t key, std::vector<PersonId>& out) const;
  // Persons whose name has this (phonetic) word, over all persons: 0 for an unknown word.
  double word_frequency(std::string_view word) const;

  RegisterIndexStats stats() const;

 private:
  friend class RegisterIndexBuilder;
  RegisterIndex() = default;

  std::vector<std::uint64_t> niks_;
  std::vector<StringPool::Id> name_, mother_, place_, address_, village_;
  std::vector<std::uint32_t> date_;
  std::vector<std::uint64_t> name_print_;
  std::vector<std::uint32_t> mother_print_, place_print_;
  std::vector<std::uint8_t> flags_;  // bit 0: female, bit 1: alive
  std::vector<std::uint32_t> bucket_start_;  // buckets + 1
  std::vector<PersonId> postings_;
  std::vector<std::uint8_t> tags_;
  std::uint32_t bucket_mask_ = 0;
  std::vector<std::uint64_t> term_hash_;  // sorted
  std::vector<std::uint32_t> term_count_;
  StringPool strings_;
};

class RegisterIndexBuilder {
 public:
  RegisterIndexBuilder();

  // Adds one person. Errors (kInvalidArgument): a NIK that is not 16 digits, an invalid birth
  // date; kResourceExhausted past kRegisterPersonsMax or a full string arena. A failed add
  // leaves the builder as it was.
  Status add(const RegisterEntry& entry);
  Status add_batch(std::span<const RegisterEntry> entries);
  std::size_t size() const { return index_.niks_.size(); }

  // Sorts, groups the blocks and hands the index over; kAlreadyExists when two persons share a
  // NIK (the message names it). The builder is empty afterwards.
  Result<RegisterIndex> finish();

 private:
  RegisterIndex index_;
  std::vector<std::uint64_t> pending_;  // upper 32 bits: key hash; lower 32: insertion id
  std::vector<std::uint64_t> term_slots_;  // open addressing word hash → count (build only)
  std::vector<std::uint32_t> term_slot_counts_;
  std::size_t terms_ = 0;
  FingerprintMemo memo_;  // text as written → pooled key (build only)
  void count_word(std::uint64_t hash);
  // The pooled key of `text` under key function `make` (kind salts the memo).
  template <class Make>
  Result<StringPool::Id> pooled_key(std::string_view text, std::uint64_t kind, Make&& make);
};

}  // namespace ektp::bulk
