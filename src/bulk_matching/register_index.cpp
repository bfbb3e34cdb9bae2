// The in-memory register index of bulk matching. Layout and limits: register_index.h.
#include "bulk_matching/register_index.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "bulk_matching/field_keys.h"
#include "core/name_match.h"

namespace ektp::bulk {
namespace {

constexpr std::uint8_t kFemale = 1;
constexpr std::uint8_t kAlive = 2;
constexpr std::uint32_t kBucketsMax = 1u << 24;
constexpr std::uint64_t kNoTerm = 0;  // a word hashing to 0 (never seen) would not be counted

std::uint32_t key_hash32(std::uint64_t key) { return static_cast<std::uint32_t>(key >> 32); }
std::uint8_t tag_of(std::uint32_t hash32) { return static_cast<std::uint8_t>(hash32 >> 24); }

template <class T>
std::vector<T> gather(const std::vector<T>& column, const std::vector<PersonId>& order) {
  std::vector<T> out;
  out.reserve(order.size());
  for (PersonId id : order) out.push_back(column[id]);
  return out;
}

template <class T>
std::size_t bytes_of(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

std::optional<std::uint64_t> nik_number(std::string_view nik) {
  if (nik.size() != 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : nik) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::string nik_text(std::uint64_t nik) { return fmt::format("{:016d}", nik); }

std::optional<PersonId> RegisterIndex::find_nik(std::uint64_t nik) const {
  const auto it = std::lower_bound(niks_.begin(), niks_.end(), nik);
  if (it == niks_.end() || *it != nik) return std::nullopt;
  return static_cast<PersonId>(it - niks_.begin());
}

std::optional<PersonId> RegisterIndex::find_nik(std::string_view nik) const {
  const auto number = nik_number(nik);
  if (!number) return std::nullopt;
  return find_nik(*number);
}

PersonView RegisterIndex::person(PersonId id) const {
  PersonView view;
  view.nik = niks_[id];
  view.name_key = strings_.view(name_[id]);
  view.mother_key = strings_.view(mother_[id]);
  view.place_key = strings_.view(place_[id]);
  view.address_key = strings_.view(address_[id]);
  view.village_code = strings_.view(village_[id]);
  view.birth_date = date_[id];
  view.name_print = name_print_[id];
  view.mother_print = mother_print_[id];
  view.place_print = place_print_[id];
  view.sex = (flags_[id] & kFemale) != 0 ? Sex::kFemale : Sex::kMale;
  view.alive = (flags_[id] & kAlive) != 0;
  return view;
}

bool RegisterIndex::block(std::uint64_t key, std::vector<PersonId>& out) const {
  if (bucket_start_.empty()) return true;
  const std::uint32_t hash32 = key_hash32(key);
  const std::uint32_t bucket = hash32 & bucket_mask_;
  const std::uint8_t tag = tag_of(hash32);
  const std::size_t begin = bucket_start_[bucket];
  const std::size_t end = bucket_start_[bucket + 1];
  const std::size_t before = out.size();
  for (std::size_t i = begin; i < end; ++i) {
    if (tags_[i] == tag) out.push_back(postings_[i]);
  }
  if (out.size() - before > kBlockPersonsMax) {
    out.resize(before);
    return false;
  }
  return true;
}

double RegisterIndex::word_frequency(std::string_view word) const {
  if (niks_.empty()) return 0.0;
  const std::uint64_t h = word_hash(word);
  const auto it = std::lower_bound(term_hash_.begin(), term_hash_.end(), h);
  if (it == term_hash_.end() || *it != h) return 0.0;
  const auto count = term_count_[static_cast<std::size_t>(it - term_hash_.begin())];
  return static_cast<double>(count) / static_cast<double>(niks_.size());
}

RegisterIndexStats RegisterIndex::stats() const {
  RegisterIndexStats s;
  s.persons = niks_.size();
  s.postings = postings_.size();
  s.buckets = bucket_start_.empty() ? 0 : bucket_start_.size() - 1;
  s.distinct_strings = strings_.distinct();
  s.distinct_name_words = term_hash_.size();
  s.column_bytes = bytes_of(niks_) + bytes_of(name_) + bytes_of(mother_) + bytes_of(place_) +
                   bytes_of(address_) + bytes_of(village_) + bytes_of(date_) + bytes_of(flags_) +
                   bytes_of(name_print_) + bytes_of(mother_print_) + bytes_of(place_print_);
  s.block_bytes = bytes_of(bucket_start_) + bytes_of(postings_) + bytes_of(tags_);
  s.string_bytes = strings_.memory_bytes();
  s.term_bytes = bytes_of(term_hash_) + bytes_of(term_count_);
  return s;
}

// ---- building -------------------------------------------------------------------------------

RegisterIndexBuilder::RegisterIndexBuilder()
    : term_slots_(1024, kNoTerm), term_slot_counts_(1024) {}

void RegisterIndexBuilder::count_word(std::uint64_t hash) {
  if (hash == kNoTerm) return;
  if ((terms_ + 1) * 2 > term_slots_.size()) {
    std::vector<std::uint64_t> slots(term_slots_.size() * 2, kNoTerm);
    std::vector<std::uint32_t> counts(slots.size());
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = 0; i < term_slots_.size(); ++i) {
      if (term_slots_[i] == kNoTerm) continue;
      std::size_t j = term_slots_[i] & mask;
      while (slots[j] != kNoTerm) j = (j + 1) & mask;
      slots[j] = term_slots_[i];
      counts[j] = term_slot_counts_[i];
    }
    term_slots_ = std::move(slots);
    term_slot_counts_ = std::move(counts);
  }
  const std::size_t mask = term_slots_.size() - 1;
  std::size_t j = hash & mask;
  while (term_slots_[j] != kNoTerm && term_slots_[j] != hash) j = (j + 1) & mask;
  if (term_slots_[j] == kNoTerm) {
    term_slots_[j] = hash;
    ++terms_;
  }
  ++term_slot_counts_[j];
}

template <class Make>
Result<StringPool::Id> RegisterIndexBuilder::pooled_key(std::string_view text, std::uint64_t kind,
                                                        Make&& make) {
  const std::uint64_t print = text_fingerprint(text) ^ (kind * 0x9e3779b97f4a7c15ULL);
  if (const auto known = memo_.find(print)) return *known;
  auto id = index_.strings_.intern(make(text));
  if (id) memo_.put(print, *id);
  return id;
}

Status RegisterIndexBuilder::add(const RegisterEntry& entry) {
  RegisterIndex& x = index_;
  if (x.niks_.size() >= kRegisterPersonsMax) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("register index: more than {} persons", kRegisterPersonsMax));
  }
  const auto nik = nik_number(entry.nik);
  if (!nik) {
    return invalid_argument(fmt::format("register index: NIK '{}' is not 16 digits",
                                        entry.nik.substr(0, 20)));
  }
  const std::uint32_t date = pack_date(entry.birth_date);
  if (date == 0) {
    return invalid_argument(fmt::format("register index: NIK {} has an invalid birth date",
                                        entry.nik));
  }
  // Name and mother's name share one key function (phonetic_key), so one memo kind.
  const auto phonetic = [](std::string_view t) { return phonetic_key(t); };
  auto name_id = pooled_key(entry.name, 1, phonetic);
  if (!name_id) return std::unexpected(name_id.error());
  auto mother_id = pooled_key(entry.mother_name, 1, phonetic);
  if (!mother_id) return std::unexpected(mother_id.error());
  auto place_id = pooled_key(entry.birth_place, 2, [](std::string_view t) { return place_key(t); });
  if (!place_id) return std::unexpected(place_id.error());
  auto address_id =
      pooled_key(entry.address, 3, [](std::string_view t) { return address_key(t); });
  if (!address_id) return std::unexpected(address_id.error());
  auto village_id = x.strings_.intern(entry.village_code);
  if (!village_id) return std::unexpected(village_id.error());
  const StringPool::Id ids[5] = {*name_id, *mother_id, *place_id, *address_id, *village_id};
  const std::string_view main = main_part(x.strings_.view(ids[0]));
  const auto person = static_cast<std::uint32_t>(x.niks_.size());
  x.niks_.push_back(*nik);
  x.name_.push_back(ids[0]);
  x.mother_.push_back(ids[1]);
  x.place_.push_back(ids[2]);
  x.address_.push_back(ids[3]);
  x.village_.push_back(ids[4]);
  x.date_.push_back(date);
  x.name_print_.push_back(text_fingerprint(entry.name));
  x.mother_print_.push_back(static_cast<std::uint32_t>(text_fingerprint(entry.mother_name)));
  x.place_print_.push_back(static_cast<std::uint32_t>(text_fingerprint(entry.birth_place)));
  x.flags_.push_back(static_cast<std::uint8_t>((entry.sex == Sex::kFemale ? kFemale : 0) |
                                               (entry.alive ? kAlive : 0)));
  for (std::uint64_t key : person_block_keys(main, date)) {
    pending_.push_back(static_cast<std::uint64_t>(key_hash32(key)) << 32 | person);
  }
  for (std::string_view word : blocking_words(main)) count_word(word_hash(word));
  return {};
}

Status RegisterIndexBuilder::add_batch(std::span<const RegisterEntry> entries) {
  for (const RegisterEntry& entry : entries) {
    if (auto s = add(entry); !s) return s;
  }
  return {};
}

Result<RegisterIndex> RegisterIndexBuilder::finish() {
  RegisterIndex& x = index_;
  const std::size_t n = x.niks_.size();
  // Sort the columns by NIK.
  std::vector<PersonId> order(n);
  std::iota(order.begin(), order.end(), PersonId{0});
  std::sort(order.begin(), order.end(),
            [&](PersonId a, PersonId b) { return x.niks_[a] < x.niks_[b]; });
  for (std::size_t i = 1; i < n; ++i) {
    if (x.niks_[order[i]] == x.niks_[order[i - 1]]) {
      return make_error(ErrorCode::kAlreadyExists,
                        fmt::format("register index: NIK {} appears twice",
                                    nik_text(x.niks_[order[i]])));
    }
  }
  x.niks_ = gather(x.niks_, order);
  x.name_ = gather(x.name_, order);
  x.mother_ = gather(x.mother_, order);
  x.place_ = gather(x.place_, order);
  x.address_ = gather(x.address_, order);
  x.village_ = gather(x.village_, order);
  x.date_ = gather(x.date_, order);
  x.name_print_ = gather(x.name_print_, order);
  x.mother_print_ = gather(x.mother_print_, order);
  x.place_print_ = gather(x.place_print_, order);
  x.flags_ = gather(x.flags_, order);
  std::vector<PersonId> rank(n);
  for (std::size_t i = 0; i < n; ++i) rank[order[i]] = static_cast<PersonId>(i);
  order = {};

  // Group the postings by bucket (counting sort).
  std::uint32_t buckets = 1;
  while (buckets < kBucketsMax && std::size_t{buckets} * 4 <= pending_.size()) buckets *= 2;
  x.bucket_mask_ = buckets - 1;
  x.bucket_start_.assign(static_cast<std::size_t>(buckets) + 1, 0);
  for (std::uint64_t p : pending_) ++x.bucket_start_[((p >> 32) & x.bucket_mask_) + 1];
  for (std::size_t b = 1; b < x.bucket_start_.size(); ++b) {
    x.bucket_start_[b] += x.bucket_start_[b - 1];
  }
  x.postings_.assign(pending_.size(), 0);
  x.tags_.assign(pending_.size(), 0);
  std::vector<std::uint32_t> fill(x.bucket_start_.begin(), x.bucket_start_.end() - 1);
  for (std::uint64_t p : pending_) {
    const auto hash32 = static_cast<std::uint32_t>(p >> 32);
    const std::uint32_t at = fill[hash32 & x.bucket_mask_]++;
    x.postings_[at] = rank[static_cast<std::uint32_t>(p)];
    x.tags_[at] = tag_of(hash32);
  }
  pending_ = {};

  // Term frequencies, sorted by hash.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> terms;
  terms.reserve(terms_);
  for (std::size_t i = 0; i < term_slots_.size(); ++i) {
    if (term_slots_[i] != kNoTerm) terms.emplace_back(term_slots_[i], term_slot_counts_[i]);
  }
  std::sort(terms.begin(), terms.end());
  x.term_hash_.clear();
  x.term_count_.clear();
  for (const auto& [h, c] : terms) {
    x.term_hash_.push_back(h);
    x.term_count_.push_back(c);
  }
  term_slots_.assign(1024, kNoTerm);
  term_slot_counts_.assign(1024, 0);
  terms_ = 0;
  x.strings_.freeze();
  memo_.clear();
  RegisterIndex done = std::move(index_);
  index_ = RegisterIndex();
  return done;
}

}  // namespace ektp::bulk
