// Indonesian name matching: normalisation, phonetic key and similarity. Decisions: name_match.h.
#include "core/name_match.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/words.h"

namespace ektp {
namespace {

// ---- UTF-8 decoding and folding -------------------------------------------------------------

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one code point at text[i], advancing i; malformed sequences (overlong, surrogates,
// beyond U+10FFFF, truncated) consume one byte and yield kInvalid.
char32_t decode_one(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return kInvalid;
  }
  if (i + length > text.size()) {
    ++i;
    return kInvalid;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kInvalid;
  }
  i += length;
  return cp;
}

// U+00C0..U+00FF; '?' marks the letters that fold to two (Æ, Þ, ß), ' ' the signs × and ÷.
constexpr std::string_view kLatin1Upper = "AAAAAA?CEEEEIIIIDNOOOOO OUUUUY??";
constexpr std::string_view kLatin1Lower = "AAAAAA?CEEEEIIIIDNOOOOO OUUUUY?Y";
// U+0100..U+017F (Latin Extended-A); '?' marks Ĳ ĳ Œ œ.
constexpr std::string_view kLatinExtA =
    "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIII??JJKKKLLLLLLLLLLNNNNNNNNNOOOOOO??RRRRRR"
    "SSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";
static_assert(kLatin1Upper.size() == 32 && kLatin1Lower.size() == 32);
static_assert(kLatinExtA.size() == 128);

bool is_apostrophe(char32_t cp) {
  return cp == U'\'' || cp == U'`' || cp == 0x00B4 || cp == 0x2018 || cp == 0x2019 ||
         cp == 0x02BC || cp == 0x02BB || cp == 0x2032;
}

bool is_hyphen(char32_t cp) { return cp == U'-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212; }

// Appends the folded form of cp: letters (upper ASCII), digits, '.', ',' or ' '; nothing for
// apostrophes and combining accents.
void append_folded(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == ',') {
      out += c;
    } else if (is_apostrophe(cp)) {
      // removed: MA'RUF → MARUF
    } else {
      out += ' ';
    }
    return;
  }
  if (is_apostrophe(cp) || (cp >= 0x0300 && cp <= 0x036F)) return;
  if (cp >= 0x00C0 && cp <= 0x00FF) {
    const std::size_t k = cp - 0x00C0;
    const char c = k < 32 ? kLatin1Upper[k] : kLatin1Lower[k - 32];
    if (c != '?') {
      out += c;
    } else if (k % 32 == 6) {
      out += "AE";
    } else if (k % 32 == 30) {
      out += "TH";
    } else {
      out += "SS";
    }
    return;
  }
  if (cp >= 0x0100 && cp <= 0x017F) {
    const char c = kLatinExtA[cp - 0x0100];
    if (c != '?') {
      out += c;
    } else {
      out += cp < 0x0150 ? "IJ" : "OE";
    }
    return;
  }
  out += ' ';  // hyphens, other punctuation, other scripts, invalid bytes
}

// ---- titles ---------------------------------------------------------------------------------

struct Title {
  std::string_view key;  // the token without its dots
  bool bare_ok;          // may be removed when written without a dot
};

// Leading honorifics, removed from the front only.
constexpr std::array kPrefixTitles{
    Title{"PROF", true},  Title{"DR", true},    Title{"DRS", true},   Title{"DRA", true},
    Title{"DRG", true},   Title{"DRH", true},   Title{"IR", true},    Title{"H", true},
    Title{"HJ", true},    Title{"HJH", true},   Title{"HAJI", true},  Title{"HAJJAH", true},
    Title{"KH", true},    Title{"RADEN", true}, Title{"R", false},    Title{"RA", false},
    Title{"RR", false},   Title{"NY", false},
};

// Academic and professional degrees, removed anywhere but the first word.
constexpr std::array kDegrees{
    Title{"SPD", true},    Title{"SPDI", true},   Title{"SE", false},    Title{"SH", false},
    Title{"SHI", true},    Title{"SKOM", true},   Title{"ST", false},    Title{"STP", false},
    Title{"SSI", false},   Title{"SSOS", true},   Title{"SIP", false},   Title{"SAG", true},
    Title{"SPSI", true},   Title{"SKM", true},    Title{"SKEP", true},   Title{"SFARM", true},
    Title{"SKED", true},   Title{"SS", false},    Title{"SP", false},    Title{"SPT", false},
    Title{"SHUT", true},   Title{"SAP", false},   Title{"SIKOM", true},  Title{"STR", false},
    Title{"MM", false},    Title{"MSI", true},    Title{"MPD", true},    Title{"MPDI", true},
    Title{"MH", false},    Title{"MKES", true},   Title{"MKOM", true},   Title{"MT", false},
    Title{"MAG", false},   Title{"MSC", true},    Title{"MBA", true},    Title{"MA", false},
    Title{"MHUM", true},   Title{"MKEP", true},   Title{"AMD", true},    Title{"AMDKEB", true},
    Title{"AMKEB", true},  Title{"AMK", true},    Title{"AMDKEP", true}, Title{"AMAPD", true},
    Title{"AMKL", true},   Title{"BA", false},    Title{"BSC", true},    Title{"LLM", true},
    Title{"PHD", true},    Title{"SPA", false},   Title{"SPOG", true},   Title{"SPB", false},
    Title{"SPPD", true},   Title{"SPM", false},   Title{"SPKK", true},   Title{"SPJP", true},
    Title{"SPTHT", true},  Title{"SPRAD", true},  Title{"SPAN", false},  Title{"SPS", false},
    Title{"SPKJ", true},
};

template <std::size_t N>
const Title* find_title(const std::array<Title, N>& titles, std::string_view key) {
  for (const Title& t : titles) {
    if (t.key == key) return &t;
  }
  return nullptr;
}

struct RawToken {
  std::string key;  // letters and digits only
  bool dotted = false;
  bool after_comma = false;
};

// Splits the folded text into tokens, handling dots and commas as described in the header.
std::vector<RawToken> tokenise_folded(std::string_view folded) {
  std::vector<RawToken> tokens;
  bool after_comma = false;
  std::size_t i = 0;
  while (i < folded.size()) {
    const char c = folded[i];
    if (c == ' ' || c == ',') {
      after_comma = after_comma || c == ',';
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < folded.size() && folded[end] != ' ' && folded[end] != ',') ++end;
    const std::string_view word = folded.substr(i, end - i);
    i = end;
    std::string key;
    for (char w : word) {
      if (w != '.') key += w;
    }
    if (key.empty()) continue;
    const bool dotted = word.find('.') != std::string_view::npos;
    if (!dotted || find_title(kPrefixTitles, key) || find_title(kDegrees, key)) {
      tokens.push_back({std::move(key), dotted, after_comma});
      continue;
    }
    // A dotted word that is no title: its dots separate initials and words ("M.RIDWAN").
    std::size_t start = 0;
    while (start < word.size()) {
      std::size_t dot = word.find('.', start);
      const bool has_dot = dot != std::string_view::npos;
      if (!has_dot) dot = word.size();
      if (dot > start) {
        tokens.push_back({std::string(word.substr(start, dot - start)), has_dot, after_comma});
      }
      start = dot + 1;
    }
  }
  return tokens;
}

void remove_titles(std::vector<RawToken>& tokens) {
  std::size_t front = 0;
  while (tokens.size() - front > 1) {
    const Title* t = find_title(kPrefixTitles, tokens[front].key);
    if (t == nullptr || (!t->bare_ok && !tokens[front].dotted)) break;
    ++front;
  }
  tokens.erase(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(front));
  if (tokens.empty()) return;
  std::vector<RawToken> kept;
  kept.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Title* t = i == 0 ? nullptr : find_title(kDegrees, tokens[i].key);
    const bool degree = t != nullptr && (tokens[i].dotted || tokens[i].after_comma || t->bare_ok);
    if (!degree) kept.push_back(std::move(tokens[i]));
  }
  tokens = std::move(kept);
}

// OE→U, DJ→J, TJ→C, NJ→NY, SJ→SY, CH→KH, left to right over one word.
std::string modernise_spelling(std::string_view word) {
  std::string out;
  out.reserve(word.size() + 2);
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    const char next = i + 1 < word.size() ? word[i + 1] : '\0';
    if (c == 'O' && next == 'E') {
      out += 'U';
    } else if (c == 'D' && next == 'J') {
      out += 'J';
    } else if (c == 'T' && next == 'J') {
      out += 'C';
    } else if (c == 'N' && next == 'J') {
      out += "NY";
    } else if (c == 'S' && next == 'J') {
      out += "SY";
    } else if (c == 'C' && next == 'H') {
      out += "KH";
    } else {
      out += c;
      continue;
    }
    ++i;
  }
  return out;
}


// ---- phonetic key ---------------------------------------------------------------------------

constexpr std::array<std::string_view, 22> kMuhammadForms{
    "MUH",      "MOH",       "MOKH",     "MUKH",      "MOHD",      "MHD",       "MUHD",
    "MUHAMAD",  "MUHAMMAD",  "MUHAMMED", "MUHAMED",   "MOHAMAD",   "MOHAMMAD",  "MOHAMMED",
    "MOHAMED",  "MOKHAMAD",  "MOKHAMMAD", "MUKHAMAD", "MUKHAMMAD", "MOKHAMED",  "MUHAMAT",
    "MOHAMAT",
};

std::string phonetic_word(std::string_view word) {
  if (std::find(kMuhammadForms.begin(), kMuhammadForms.end(), word) != kMuhammadForms.end()) {
    word = "MUHAMMAD";
  } else if (word == "ABD") {
    word = "ABDUL";
  }
  std::string merged;
  merged.reserve(word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    const char next = i + 1 < word.size() ? word[i + 1] : '\0';
    if ((c == 'K' || c == 'D' || c == 'T') && next == 'H') {
      ++i;  // KH→H, DH→D, TH→T
      if (c == 'K') c = 'H';
    } else if (c == 'S' && next == 'Y') {
      ++i;  // SY→S
    } else if (c == 'J') {
      c = 'Y';
    } else if (c == 'Q') {
      c = 'K';
    }
    merged += c;
  }
  std::string out;
  for (char c : merged) {
    if (out.empty() || out.back() != c) out += c;
  }
  return out;
}

// ---- similarity -----------------------------------------------------------------------------

// Similarity works on keys of at most kMaxNameBytes bytes and kMaxNameTokens words, so every
// buffer below lives on the stack: no allocation per comparison (bulk matching makes millions).
using KeyWords = std::array<std::string_view, kMaxNameTokens>;

// Optimal string alignment distance (Levenshtein plus adjacent transpositions); b.size() must not
// exceed kMaxNameBytes.
std::size_t osa_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::array<std::size_t, kMaxNameBytes + 1> buffers[3];
  std::size_t* prev2 = buffers[0].data();
  std::size_t* prev = buffers[1].data();
  std::size_t* cur = buffers[2].data();
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::size_t* spare = prev2;  // prev2 ← prev ← cur ← (reused)
    prev2 = prev;
    prev = cur;
    cur = spare;
  }
  return prev[m];
}

// Slips a typist may make in a word of this length and still mean it.
std::size_t typo_budget(std::size_t length) { return length <= 3 ? 0 : length <= 7 ? 1 : 2; }

double string_score(std::string_view a, std::string_view b) {
  if (a == b) return 1.0;
  const double longer = static_cast<double>(std::max(a.size(), b.size()));
  const std::size_t d = osa_distance(a, b);
  const double ratio = static_cast<double>(d) / longer;
  if (d <= typo_budget(std::max(a.size(), b.size()))) return 1.0 - 0.25 * ratio;
  return std::max(0.0, 0.6 * (1.0 - ratio));
}

constexpr double kInitialScore = 0.9;

double word_score(std::string_view a, std::string_view b) {
  if (a == b) return 1.0;
  if (a.size() == 1 || b.size() == 1) return a.front() == b.front() ? kInitialScore : 0.0;
  return string_score(a, b);
}

constexpr std::size_t kSide = kMaxNameTokens;
using Matrix = std::array<double, kSide * kSide>;  // [i * kSide + j]

// Hungarian method (shortest augmenting paths with potentials) for an n×m cost matrix, n ≤ m ≤
// kSide, minimising total cost. Fills, for each row, its column.
void assign_min_cost(const Matrix& cost, std::size_t n, std::size_t m,
                     std::array<std::size_t, kSide>& row_to_col) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::array<double, kSide + 1> u{}, v{};
  std::array<std::size_t, kSide + 1> p{}, way{};  // p[j]: row (1-based) holding column j
  for (std::size_t i = 1; i <= n; ++i) {
    p[0] = i;
    std::size_t j0 = 0;
    std::array<double, kSide + 1> minv;
    minv.fill(kInf);
    std::array<bool, kSide + 1> used{};
    do {
      used[j0] = true;
      const std::size_t i0 = p[j0];
      double delta = kInf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double reduced = cost[(i0 - 1) * kSide + (j - 1)] - u[i0] - v[j];
        if (reduced < minv[j]) minv[j] = reduced, way[j] = j0;
        if (minv[j] < delta) delta = minv[j], j1 = j;
      }
      for (std::size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const std::size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  row_to_col.fill(0);
  for (std::size_t j = 1; j <= m; ++j) {
    if (p[j] != 0) row_to_col[p[j] - 1] = j - 1;
  }
}

constexpr double kMiddleMissingCost = 0.25;  // share of its length an unpaired inner word costs
constexpr double kEdgeMissingCost = 0.7;     // … an unpaired first or last word
constexpr double kOrderSwapFactor = 0.97;    // paired words in another order
constexpr double kJoinedCap = 0.98;          // equal only once the spaces are gone

// Token-level score; `a` (n words) has no more words than `b` (m words).
double token_score(const KeyWords& a, std::size_t n, const KeyWords& b, std::size_t m) {
  Matrix score{};
  Matrix cost{};
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      const double weight = static_cast<double>(a[i].size() + b[j].size()) / 2.0;
      score[i * kSide + j] = word_score(a[i], b[j]);
      cost[i * kSide + j] = -score[i * kSide + j] * weight;
    }
  }
  std::array<std::size_t, kSide> col{};
  assign_min_cost(cost, n, m, col);
  double matched = 0.0;
  double total = 0.0;
  std::array<bool, kSide> paired{};
  bool in_order = true;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = col[i];
    const double weight = static_cast<double>(a[i].size() + b[j].size()) / 2.0;
    matched += score[i * kSide + j] * weight;
    total += weight;
    paired[j] = true;
    if (i > 0 && col[i - 1] > j) in_order = false;
  }
  // Unpaired words of b: inner ones (between the first and last paired) cost less.
  const std::size_t first = n == 0 ? 0 : *std::min_element(col.begin(), col.begin() + n);
  const std::size_t last = n == 0 ? 0 : *std::max_element(col.begin(), col.begin() + n);
  for (std::size_t j = 0; j < m; ++j) {
    if (paired[j]) continue;
    const bool inner = j > first && j < last;
    total += (inner ? kMiddleMissingCost : kEdgeMissingCost) * static_cast<double>(b[j].size());
  }
  if (total <= 0.0) return 0.0;
  const double result = matched / total;
  return in_order ? result : result * kOrderSwapFactor;
}

// The letters of the words, spaces gone, compared without building them.
bool joined_equal(const KeyWords& a, std::size_t n, const KeyWords& b, std::size_t m) {
  std::size_t i = 0, ia = 0, j = 0, jb = 0;
  while (true) {
    while (i < n && ia == a[i].size()) ++i, ia = 0;
    while (j < m && jb == b[j].size()) ++j, jb = 0;
    const bool a_done = i == n;
    const bool b_done = j == m;
    if (a_done || b_done) return a_done && b_done;
    if (a[i][ia] != b[j][jb]) return false;
    ++ia;
    ++jb;
  }
}

// The words of a key (split on spaces), at most kMaxNameTokens; returns how many.
std::size_t key_words_of_key(std::string_view key, KeyWords& words) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < key.size() && count < kMaxNameTokens) {
    if (key[i] == ' ') {
      ++i;
      continue;
    }
    const std::size_t end = std::min(key.find(' ', i), key.size());
    words[count++] = key.substr(i, end - i);
    i = end;
  }
  return count;
}

}  // namespace

std::string normalise_name(std::string_view utf8) {
  if (utf8.size() > kMaxNameBytes) utf8 = utf8.substr(0, kMaxNameBytes);
  std::string folded;
  folded.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = decode_one(utf8, i);
    if (cp == kInvalid) {
      folded += ' ';
    } else if (is_hyphen(cp)) {
      folded += ' ';  // SITI-AMINAH → SITI AMINAH
    } else {
      append_folded(folded, cp);
    }
  }
  std::vector<RawToken> tokens = tokenise_folded(folded);
  if (tokens.size() > kMaxNameTokens) tokens.resize(kMaxNameTokens);
  remove_titles(tokens);
  std::string out;
  for (const RawToken& token : tokens) {
    std::string word = modernise_spelling(token.key);
    if (word.empty()) continue;
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::string phonetic_key(std::string_view utf8) {
  std::string out;
  for (const std::string& word : split_words(normalise_name(utf8))) {
    if (!out.empty()) out += ' ';
    out += phonetic_word(word);
  }
  return out;
}

double name_similarity(std::string_view a, std::string_view b) {
  return key_similarity(phonetic_key(a), phonetic_key(b));
}

double key_similarity(std::string_view key_a, std::string_view key_b) {
  if (key_a.size() > kMaxNameBytes) key_a = key_a.substr(0, kMaxNameBytes);
  if (key_b.size() > kMaxNameBytes) key_b = key_b.substr(0, kMaxNameBytes);
  if (key_a.empty() || key_b.empty()) return 0.0;
  if (key_a == key_b) return 1.0;
  KeyWords wa{};
  KeyWords wb{};
  std::size_t na = key_words_of_key(key_a, wa);
  std::size_t nb = key_words_of_key(key_b, wb);
  if (na == 0 || nb == 0) return 0.0;
  if (std::equal(wa.begin(), wa.begin() + na, wb.begin(), wb.begin() + nb)) return 1.0;
  // Canonical order (fewer words first, then lexicographic) makes the score symmetric.
  if (na > nb || (na == nb && std::lexicographical_compare(wb.begin(), wb.begin() + nb, wa.begin(),
                                                           wa.begin() + na))) {
    std::swap(wa, wb);
    std::swap(na, nb);
  }
  double result = token_score(wa, na, wb, nb);
  // Words split or joined differently (NURHAYATI / NUR HAYATI) but the letters all the same.
  // Only equality counts here: a typo budget over the joined letters would let a whole different
  // word through (SITIAMINAH / SITIAISAH are two slips apart).
  if (joined_equal(wa, na, wb, nb)) result = std::max(result, kJoinedCap);
  return std::clamp(result, 0.0, 1.0);
}

bool names_match(std::string_view a, std::string_view b) {
  return name_similarity(a, b) >= kNameMatchThreshold;
}

}  // namespace ektp
