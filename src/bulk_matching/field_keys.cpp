// Matching keys and blocking keys of bulk matching. Decisions: field_keys.h.
#include "bulk_matching/field_keys.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "core/name_match.h"
#include "core/words.h"

namespace ektp::bulk {
namespace {

constexpr std::array<std::string_view, 4> kPatronymicWords = {"BIN", "BINTI", "BT", "BINTE"};
constexpr std::array<std::string_view, 5> kPlacePrefixes = {"KABUPATEN", "KAB", "KOTA",
                                                            "KOTAMADYA", "ADM"};
constexpr std::array<std::string_view, 16> kAddressFiller = {
    "JL", "JLN", "JALAN", "NO", "NOMOR", "GG", "GANG", "DUSUN", "DSN", "DS", "KP", "KAMPUNG",
    "KOMPLEK", "PERUM", "BLOK", "NO."};
constexpr std::size_t kAddressWordsMax = 16;

template <std::size_t N>
bool is_one_of(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}


std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 33);
}

bool real_date(unsigned y, unsigned m, unsigned d) {
  return CivilDate{std::chrono::year{static_cast<int>(y)}, std::chrono::month{m},
                   std::chrono::day{d}}
      .ok();
}

}  // namespace

std::string_view main_part(std::string_view full_key) {
  std::size_t cut = full_key.size();
  for_each_word(full_key, [&](std::string_view word, std::size_t at) {
    if (at > 0 && cut == full_key.size() && is_one_of(kPatronymicWords, word)) cut = at;
  });
  std::string_view main = full_key.substr(0, cut);
  while (!main.empty() && main.back() == ' ') main.remove_suffix(1);
  return main;
}

NameKeys name_keys(std::string_view name) {
  NameKeys keys;
  keys.full = phonetic_key(name);
  keys.main = std::string(main_part(keys.full));
  return keys;
}

std::string place_key(std::string_view place) {
  const std::string key = phonetic_key(place);
  std::string out;
  bool leading = true;
  for_each_word(key, [&](std::string_view word, std::size_t) {
    if (leading && is_one_of(kPlacePrefixes, word)) return;
    leading = false;
    if (!out.empty()) out += ' ';
    out += word;
  });
  return out.empty() ? key : out;  // "KOTA" alone stays
}

std::string address_key(std::string_view address) {
  if (address.size() > kMaxNameBytes) address = address.substr(0, kMaxNameBytes);
  std::string folded;
  folded.reserve(address.size());
  for (char c : address) {
    if (c >= 'a' && c <= 'z') {
      folded += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      folded += c;
    } else {
      folded += ' ';
    }
  }
  std::string out;
  std::size_t words = 0;
  for_each_word(folded, [&](std::string_view word, std::size_t) {
    if (words >= kAddressWordsMax || is_one_of(kAddressFiller, word)) return;
    if (!out.empty()) out += ' ';
    out += word;
    ++words;
  });
  return out;
}

double name_keys_similarity(const NameKeys& a, const NameKeys& b) {
  double best = key_similarity(a.full, b.full);
  if (best < 1.0 && (a.main.size() != a.full.size() || b.main.size() != b.full.size())) {
    best = std::max(best, key_similarity(a.main, b.main));
  }
  return best;
}

double name_key_similarity(const NameKeys& claim, std::string_view register_full_key) {
  double best = key_similarity(claim.full, register_full_key);
  if (best >= 1.0) return best;
  const std::string_view register_main = main_part(register_full_key);
  if (claim.main.size() != claim.full.size() || register_main.size() != register_full_key.size()) {
    best = std::max(best, key_similarity(claim.main, register_main));
  }
  return best;
}

std::uint32_t pack_date(CivilDate date) {
  if (!date.ok()) return 0;
  const int y = static_cast<int>(date.year());
  if (y < 0 || y > 9999) return 0;
  return static_cast<std::uint32_t>(y) << 9 | static_cast<unsigned>(date.month()) << 5 |
         static_cast<unsigned>(date.day());
}

CivilDate unpack_date(std::uint32_t packed) {
  return CivilDate{std::chrono::year{static_cast<int>(packed >> 9)},
                   std::chrono::month{(packed >> 5) & 15u}, std::chrono::day{packed & 31u}};
}

std::vector<std::uint32_t> tolerated_dates(std::uint32_t packed) {
  std::vector<std::uint32_t> dates;
  if (packed == 0) return dates;
  const unsigned y = packed >> 9;
  const unsigned m = (packed >> 5) & 15u;
  const unsigned d = packed & 31u;
  const auto add = [&](unsigned yy, unsigned mm, unsigned dd) {
    if (!real_date(yy, mm, dd)) return;
    const std::uint32_t p = yy << 9 | mm << 5 | dd;
    if (std::find(dates.begin(), dates.end(), p) == dates.end()) dates.push_back(p);
  };
  add(y, m, d);
  if (d <= 12) add(y, d, m);
  for (unsigned yy : {y - 1, y + 1}) {
    add(yy, m, (m == 2 && d == 29 && !real_date(yy, 2, 29)) ? 28 : d);
  }
  return dates;
}

DateLevel compare_dates(std::uint32_t claimed, std::uint32_t registered) {
  if (claimed == registered) return DateLevel::kExact;
  const unsigned cy = claimed >> 9, cm = (claimed >> 5) & 15u, cd = claimed & 31u;
  const unsigned ry = registered >> 9, rm = (registered >> 5) & 15u, rd = registered & 31u;
  if (cy == ry && cm == rd && cd == rm) return DateLevel::kSwappedDayMonth;
  const bool year_off = (cy + 1 == ry || ry + 1 == cy);
  if (year_off && cm == rm && (cd == rd || (cm == 2 && (cd == 29 || rd == 29) &&
                                            (cd == 28 || rd == 28)))) {
    return DateLevel::kYearOff;
  }
  return DateLevel::kOther;
}

std::vector<std::string_view> blocking_words(std::string_view main_key) {
  std::vector<std::string_view> words;
  for_each_word(main_key, [&](std::string_view word, std::size_t) {
    if (word.size() < 2 || words.size() >= kBlockWordsMax) return;
    if (std::find(words.begin(), words.end(), word) == words.end()) words.push_back(word);
  });
  return words;
}

std::uint64_t text_fingerprint(std::string_view text) {
  if (text.size() > kMaxNameBytes) text = text.substr(0, kMaxNameBytes);
  std::uint64_t h = 0xcbf29ce484222325ULL;
  bool space = false;
  bool any = false;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      space = any;
      continue;
    }
    if (space) {
      h = (h ^ ' ') * 0x100000001b3ULL;
      space = false;
    }
    any = true;
    const char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    h = (h ^ static_cast<unsigned char>(u)) * 0x100000001b3ULL;
  }
  return mix(h);
}

std::uint64_t word_hash(std::string_view word) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : word) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix(h);
}

std::uint64_t word_block_key(std::string_view word, std::uint32_t packed_date) {
  return mix(word_hash(word) ^ (static_cast<std::uint64_t>(packed_date) << 1 | 1));
}

std::uint64_t letter_block_key(char letter, std::uint32_t packed_date) {
  return mix(0x6c657474657200ULL ^ static_cast<std::uint64_t>(static_cast<unsigned char>(letter))
             << 40 ^ packed_date);
}

std::vector<std::uint64_t> person_block_keys(std::string_view main_key,
                                             std::uint32_t packed_date) {
  std::vector<std::uint64_t> keys;
  if (packed_date == 0) return keys;
  const std::vector<std::string_view> words = blocking_words(main_key);
  std::string letters;
  for (std::string_view w : words) {
    keys.push_back(word_block_key(w, packed_date));
    for (char c : {w.front(), w.back()}) {
      if (letters.find(c) == std::string::npos) letters += c;
    }
  }
  for (char c : letters) keys.push_back(letter_block_key(c, packed_date));
  return keys;
}

}  // namespace ektp::bulk
