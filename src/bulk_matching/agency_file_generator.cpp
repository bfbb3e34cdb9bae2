// A synthetic agency file with realistic faults and its truth (agency_file_generator.h).
#include "bulk_matching/agency_file_generator.h"

#include <algorithm>
#include <array>
#include <chrono>

#include <fmt/format.h>

#include "core/words.h"

namespace ektp::bulk {
namespace {

constexpr std::array<std::string_view, kFaultCount> kFaultIds = {
    "old_spelling", "title",           "muhammad_abbreviated", "word_order", "patronymic",
    "name_typo",    "other_name",      "swapped_day_month",    "year_off",   "missing_nik",
    "mistyped_nik", "mother_typo",     "place_variant",        "outsider",   "duplicate"};

// Keyboard neighbours (QWERTY) of A..Z.
constexpr std::array<std::string_view, 26> kNeighbours = {
    "QWSZ", "VGHN", "XDFV", "SERFCX", "WSDR", "DRTGVC", "FTYHBV", "GYUJNB", "UJKO", "HUIKMN",
    "JIOLM", "KOP", "NJK", "BHJM", "IKLP", "OL", "WA", "EDFT", "AWEDXZ", "RFGY", "YHJI", "CFGB",
    "QASE", "ZSDC", "TGHU", "ASX"};

std::uint64_t below(SplitMix64& random, std::uint64_t bound) { return random.next() % bound; }
bool chance(SplitMix64& random, double p) { return random.unit() < p; }

template <class T>
const T& pick(SplitMix64& random, std::span<const T> items) {
  return items[below(random, items.size())];
}


std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

bool is_letter(char c) { return c >= 'A' && c <= 'Z'; }

Status check_share(std::string_view name, double share) {
  if (!(share >= 0.0 && share <= 1.0)) {
    return invalid_argument(fmt::format("agency file: {} must be 0 to 1, not {}", name, share));
  }
  return {};
}

}  // namespace

std::string_view fault_id(Fault fault) { return kFaultIds[static_cast<std::size_t>(fault)]; }

namespace {

// A word already in old spelling (the register holds some: TJANDRA, SOEKARNO) is left alone:
// converting it again would make TDJANDRA, which no one writes.
bool has_old_spelling(std::string_view word) {
  for (std::string_view digraph : {"TJ", "DJ", "OE", "NJ", "SJ", "CH"}) {
    if (word.find(digraph) != std::string_view::npos) return true;
  }
  return false;
}

std::string word_to_old_spelling(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 8);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const char next = i + 1 < name.size() ? name[i + 1] : '\0';
    const char prev = i > 0 ? name[i - 1] : '\0';
    if ((c == 'N' || c == 'S') && next == 'Y') {
      out += c;
      out += 'J';  // NY → NJ, SY → SJ
      ++i;
    } else if (c == 'K' && next == 'H') {
      out += "CH";
      ++i;
    } else if (c == 'C' && next != 'H' && next != 'K') {
      out += "TJ";  // not in CHRISTINE, ERICK: those are no EYD C
    } else if (c == 'J') {
      out += "DJ";
    } else if (c == 'Y' && prev != 'D' && prev != 'T') {
      out += 'J';  // DY, TY stay: old DJ, TJ would read as J, C
    } else if (c == 'U') {
      out += "OE";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string to_old_spelling(std::string_view name) {
  std::string out;
  for (const std::string& word : split_words(name)) {
    if (!out.empty()) out += ' ';
    out += has_old_spelling(word) ? word : word_to_old_spelling(word);
  }
  return out;
}

std::string with_typo(std::string_view text, SplitMix64& random) {
  std::vector<std::size_t> letters;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_letter(text[i])) letters.push_back(i);
  }
  std::string out(text);
  if (letters.size() < 2) return out;
  const std::size_t at = letters[below(random, letters.size())];
  switch (below(random, 3)) {
    case 0: {  // substitution by a neighbour
      const std::string_view near = kNeighbours[static_cast<std::size_t>(out[at] - 'A')];
      out[at] = near[below(random, near.size())];
      break;
    }
    case 1: {  // transposition with the next letter (or the previous one at a word's end)
      const std::size_t other = at + 1 < out.size() && is_letter(out[at + 1]) ? at + 1
                                : at > 0 && is_letter(out[at - 1])          ? at - 1
                                                                            : at;
      if (other != at && out[other] != out[at]) {
        std::swap(out[at], out[other]);
      } else {
        out.erase(at, 1);
      }
      break;
    }
    default:
      out.erase(at, 1);  // a dropped letter
  }
  return out;
}

std::string with_title(std::string_view name, Sex sex, SplitMix64& random) {
  constexpr std::array<std::string_view, 4> kMalePrefixes = {"H. ", "DRS. ", "IR. ", "DR. "};
  constexpr std::array<std::string_view, 3> kFemalePrefixes = {"HJ. ", "DRA. ", "DR. "};
  constexpr std::array<std::string_view, 4> kDegrees = {", S.PD", ", S.E.", ", S.H.", " S.KOM"};
  if (chance(random, 0.5)) {
    const std::string_view prefix =
        sex == Sex::kFemale ? pick<std::string_view>(random, kFemalePrefixes)
                            : pick<std::string_view>(random, kMalePrefixes);
    return std::string(prefix) + std::string(name);
  }
  return std::string(name) + std::string(pick<std::string_view>(random, kDegrees));
}

std::optional<std::string> with_muhammad_abbreviated(std::string_view name, SplitMix64& random) {
  constexpr std::array<std::string_view, 6> kForms = {"M.", "MOH.", "MUH.", "MOCH.", "MOHAMMAD",
                                                      "MUHAMAD"};
  std::vector<std::string> words = split_words(name);
  bool changed = false;
  for (std::string& w : words) {
    if (w == "MUHAMMAD") {
      w = std::string(pick<std::string_view>(random, kForms));
      changed = true;
    }
  }
  if (!changed) return std::nullopt;
  return joined(words);
}

std::string with_words_rotated(std::string_view name) {
  std::vector<std::string> words = split_words(name);
  if (words.size() < 2) return std::string(name);
  std::rotate(words.begin(), words.begin() + 1, words.end());
  return joined(words);
}

std::string mistyped_nik(std::string_view nik, SplitMix64& random) {
  std::string out(nik);
  if (out.size() != 16) return out;
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string candidate = out;
    const std::size_t at = 12 + below(random, 4);  // the serial: the structure stays valid
    candidate[at] = static_cast<char>('0' + (candidate[at] - '0' + 1 + below(random, 9)) % 10);
    if (candidate.substr(12) != "0000") return candidate;
  }
  return out;
}

Result<std::vector<GeneratedRow>> generate_agency_file(std::span<const RegisterEntry> members,
                                                       std::span<const RegisterEntry> outsiders,
                                                       const GeneratorOptions& o) {
  if (members.empty()) return invalid_argument("agency file: the register has no members");
  if (o.rows == 0 || o.rows > kAgencyRowsMax) {
    return invalid_argument(
        fmt::format("agency file: rows must be 1 to {}, not {}", kAgencyRowsMax, o.rows));
  }
  for (const auto& [label, share] :
       {std::pair{"outsider_share", o.outsider_share}, {"missing_nik_share", o.missing_nik_share},
        {"mistyped_nik_share", o.mistyped_nik_share}, {"old_spelling_share", o.old_spelling_share},
        {"title_share", o.title_share}, {"muhammad_share", o.muhammad_share},
        {"word_order_share", o.word_order_share}, {"patronymic_share", o.patronymic_share},
        {"name_typo_share", o.name_typo_share}, {"other_name_share", o.other_name_share},
        {"swapped_day_month_share", o.swapped_day_month_share},
        {"year_off_share", o.year_off_share}, {"mother_typo_share", o.mother_typo_share},
        {"place_variant_share", o.place_variant_share}, {"duplicate_share", o.duplicate_share}}) {
    if (auto s = check_share(label, share); !s) return std::unexpected(s.error());
  }
  if (o.outsider_share > 0 && outsiders.empty()) {
    return invalid_argument("agency file: outsider_share > 0 needs outsiders");
  }
  SplitMix64 random(o.seed ^ 0x6167656e6379ULL);  // "agency"
  std::vector<GeneratedRow> rows;
  rows.reserve(o.rows);
  using namespace std::chrono;
  for (std::size_t r = 0; r < o.rows; ++r) {
    if (!rows.empty() && chance(random, o.duplicate_share)) {
      GeneratedRow copy = rows[below(random, rows.size())];
      copy.row.record = r + 1;
      copy.row.row_id = fmt::format("R{:08d}", r + 1);
      copy.faults |= 1u << static_cast<unsigned>(Fault::kDuplicate);
      rows.push_back(std::move(copy));
      continue;
    }
    GeneratedRow g;
    const auto mark = [&](Fault f) { g.faults |= 1u << static_cast<unsigned>(f); };
    const bool outsider = chance(random, o.outsider_share);
    const RegisterEntry& p = outsider ? pick(random, outsiders) : pick(random, members);
    if (outsider) {
      mark(Fault::kOutsider);
    } else {
      g.true_nik = p.nik;
    }
    ClaimRow& row = g.row;
    row.record = r + 1;
    row.row_id = fmt::format("R{:08d}", r + 1);
    // NIK
    if (chance(random, o.missing_nik_share)) {
      mark(Fault::kMissingNik);
    } else if (chance(random, o.mistyped_nik_share)) {
      row.nik = mistyped_nik(p.nik, random);
      mark(Fault::kMistypedNik);
    } else {
      row.nik = p.nik;
    }
    // name
    std::string name = p.name;
    if (row.nik && !outsider && chance(random, o.other_name_share)) {
      const RegisterEntry& other = pick(random, members);
      if (other.nik != p.nik) {
        name = other.name;
        mark(Fault::kOtherName);
      }
    }
    if (chance(random, o.old_spelling_share)) {
      std::string old = to_old_spelling(name);
      if (old != name) {
        name = std::move(old);
        mark(Fault::kOldSpelling);
      }
    }
    if (chance(random, o.muhammad_share)) {
      if (auto abbreviated = with_muhammad_abbreviated(name, random)) {
        name = std::move(*abbreviated);
        mark(Fault::kMuhammadAbbreviated);
      }
    }
    if (chance(random, o.word_order_share) && name.find(' ') != std::string::npos) {
      name = with_words_rotated(name);
      mark(Fault::kWordOrder);
    }
    if (chance(random, o.name_typo_share)) {
      std::string typo = with_typo(name, random);
      if (typo != name) {
        name = std::move(typo);
        mark(Fault::kNameTypo);
      }
    }
    if (chance(random, o.patronymic_share)) {
      const RegisterEntry& father = pick(random, members);
      const std::string father_given = father.name.substr(0, father.name.find(' '));
      name += p.sex == Sex::kFemale ? " BINTI " : " BIN ";
      name += father_given;
      mark(Fault::kPatronymic);
    }
    if (chance(random, o.title_share)) {
      name = with_title(name, p.sex, random);
      mark(Fault::kTitle);
    }
    row.name = std::move(name);
    // birth date
    CivilDate date = p.birth_date;
    const unsigned d = static_cast<unsigned>(date.day());
    const unsigned m = static_cast<unsigned>(date.month());
    if (chance(random, o.swapped_day_month_share) && d <= 12 && d != m) {
      date = CivilDate{date.year(), month{d}, day{m}};
      mark(Fault::kSwappedDayMonth);
    }
    if (chance(random, o.year_off_share)) {
      const year y = date.year() + years{chance(random, 0.5) ? 1 : -1};
      CivilDate moved{y, date.month(), date.day()};
      if (!moved.ok()) moved = CivilDate{y, date.month(), day{28}};
      date = moved;
      mark(Fault::kYearOff);
    }
    row.birth_date = date;
    if (o.with_sex) row.sex = p.sex;
    if (o.with_birth_place) {
      std::string place = p.birth_place;
      if (chance(random, o.place_variant_share)) {
        place = chance(random, 0.5) ? "KAB. " + place : to_old_spelling(place);
        mark(Fault::kPlaceVariant);
      }
      row.birth_place = std::move(place);
    }
    if (o.with_mother_name && !p.mother_name.empty()) {
      std::string mother = p.mother_name;
      if (chance(random, o.mother_typo_share)) {
        mother = with_typo(mother, random);
        mark(Fault::kMotherTypo);
      }
      row.mother_name = std::move(mother);
    }
    if (o.with_village_code) row.village_code = p.village_code;
    rows.push_back(std::move(g));
  }
  return rows;
}

}  // namespace ektp::bulk
