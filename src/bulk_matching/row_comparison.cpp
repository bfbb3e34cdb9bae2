// A claimed row against one register person: keys, verdicts, levels, weight (row_comparison.h).
#include "bulk_matching/row_comparison.h"

#include <algorithm>
#include <cmath>

#include "core/name_match.h"

namespace ektp::bulk {
namespace {

constexpr double kFieldMatchThreshold = kNameMatchThreshold;

MotherLevel mother_level(double score) {
  return score >= 1.0 ? MotherLevel::kExact
         : score >= kFieldMatchThreshold ? MotherLevel::kMatch : MotherLevel::kOther;
}

// Words of a key, split on spaces, at most kBlockWordsMax.
bool key_has_word(std::string_view key, std::string_view word) {
  std::size_t i = 0;
  while (i <= key.size()) {
    const std::size_t end = std::min(key.find(' ', i), key.size());
    if (key.substr(i, end - i) == word) return true;
    i = end + 1;
  }
  return false;
}

// The term-frequency adjustment of an agreeing name, in bits.
double tf_adjustment(const ClaimKeys& claim, std::string_view register_key,
                     const RegisterIndex& index, const MatchParameters& p,
                     const ModelWeights& w) {
  double product = 1.0;
  bool common = false;
  const std::string_view register_main = main_part(register_key);
  for (const std::string& word : claim.name_words) {
    if (!key_has_word(register_main, word)) continue;
    common = true;
    product *= std::max(p.tf_floor, index.word_frequency(word));
  }
  if (!common) return 0.0;
  product = std::max(product, p.tf_floor);
  const double bits = w.log2_u_exact_name - std::log2(product);
  return std::clamp(bits, -p.tf_cap_bits, p.tf_cap_bits);
}

bool same_print(std::uint64_t claim, std::uint32_t registered) {
  return static_cast<std::uint32_t>(claim) == registered;
}

}  // namespace

ClaimKeys claim_keys(const ClaimRow& row, const PersonView* nik_person) {
  ClaimKeys keys;
  if (row.name) keys.name_print = text_fingerprint(*row.name);
  if (row.mother_name) keys.mother_print = text_fingerprint(*row.mother_name);
  if (row.birth_place) keys.place_print = text_fingerprint(*row.birth_place);
  const bool p = nik_person != nullptr;
  if (row.name && !(p && keys.name_print == nik_person->name_print)) {
    keys.name = name_keys(*row.name);
    for (std::string_view w : blocking_words(keys.name.main)) keys.name_words.emplace_back(w);
  }
  if (row.mother_name && !(p && same_print(keys.mother_print, nik_person->mother_print))) {
    keys.mother = phonetic_key(*row.mother_name);
  }
  if (row.birth_place && !(p && same_print(keys.place_print, nik_person->place_print))) {
    keys.place = place_key(*row.birth_place);
  }
  if (row.address) keys.address = address_key(*row.address);
  if (row.birth_date) keys.birth_date = pack_date(*row.birth_date);
  keys.sex = row.sex;
  keys.village_code = row.village_code;
  return keys;
}

NameLevel name_level(double score) {
  return score >= 1.0 ? NameLevel::kExact
         : score >= kNameHighScore ? NameLevel::kHigh
         : score >= kNameMatchThreshold ? NameLevel::kMatch : NameLevel::kOther;
}

ComparisonLevels compare_levels(const ClaimKeys& claim, const PersonView& person) {
  ComparisonLevels levels;
  if (!claim.name.full.empty()) {
    levels.name_score = name_key_similarity(claim.name, person.name_key);
    levels.name = name_level(levels.name_score);
  }
  if (claim.birth_date != 0) levels.birth_date = compare_dates(claim.birth_date, person.birth_date);
  if (claim.sex) levels.sex = *claim.sex == person.sex;
  if (!claim.place.empty()) {
    levels.birth_place = key_similarity(claim.place, person.place_key) >= kFieldMatchThreshold;
  }
  if (!claim.mother.empty()) {
    levels.mother = mother_level(key_similarity(claim.mother, person.mother_key));
  }
  if (claim.village_code) levels.village = *claim.village_code == person.village_code;
  return levels;
}

std::optional<double> match_weight(const ClaimKeys& claim, const PersonView& person,
                                   const RegisterIndex& index, const MatchParameters& p,
                                   const ModelWeights& w, std::optional<double> floor,
                                   ComparisonLevels* out) {
  ComparisonLevels levels;
  double weight = 0.0;
  if (claim.birth_date != 0) {
    levels.birth_date = compare_dates(claim.birth_date, person.birth_date);
    weight += w.birth_date[static_cast<std::size_t>(*levels.birth_date)];
  }
  if (claim.sex) {
    levels.sex = *claim.sex == person.sex;
    weight += w.sex[*levels.sex ? 0 : 1];
  }
  if (claim.village_code) {
    levels.village = *claim.village_code == person.village_code;
    weight += w.village[*levels.village ? 0 : 1];
  }
  if (floor) {
    double bound = weight;
    if (!claim.name.full.empty()) bound += w.name_best;
    if (!claim.mother.empty()) bound += w.mother_best;
    if (!claim.place.empty()) bound += w.place_best;
    if (bound < *floor) return std::nullopt;
  }
  if (!claim.name.full.empty()) {
    levels.name_score = name_key_similarity(claim.name, person.name_key);
    levels.name = name_level(levels.name_score);
    weight += w.name[static_cast<std::size_t>(*levels.name)];
    if (*levels.name != NameLevel::kOther) {
      weight += tf_adjustment(claim, person.name_key, index, p, w);
    }
    if (floor) {  // the names are known now: can the place and the mother still lift it?
      double bound = weight;
      if (!claim.mother.empty()) bound += w.mother_best;
      if (!claim.place.empty()) bound += w.place_best;
      if (bound < *floor) return std::nullopt;
    }
  }
  if (!claim.place.empty()) {
    levels.birth_place = key_similarity(claim.place, person.place_key) >= kFieldMatchThreshold;
    weight += w.birth_place[*levels.birth_place ? 0 : 1];
  }
  if (!claim.mother.empty()) {
    levels.mother = mother_level(key_similarity(claim.mother, person.mother_key));
    weight += w.mother[static_cast<std::size_t>(*levels.mother)];
  }
  if (out != nullptr) *out = levels;
  return weight;
}

bool fill_verdicts(const ClaimRow& row, const ClaimKeys& claim, const PersonView& person,
                   RowOutcome& outcome) {
  bool all = true;
  const auto set = [&](Column column, bool agrees) {
    outcome.verdicts[static_cast<std::size_t>(column)] =
        agrees ? FieldVerdict::kSesuai : FieldVerdict::kTidakSesuai;
    all = all && agrees;
  };
  if (row.name) {
    const double score = claim.name_print == person.name_print
                             ? (person.name_key.empty() ? 0.0 : 1.0)
                             : name_key_similarity(claim.name, person.name_key);
    outcome.name_score = score;
    set(Column::kName, score >= kNameMatchThreshold);
  }
  if (row.birth_date) set(Column::kBirthDate, claim.birth_date == person.birth_date);
  if (row.birth_place) {
    set(Column::kBirthPlace,
        (same_print(claim.place_print, person.place_print) && !person.place_key.empty()) ||
            key_similarity(claim.place, person.place_key) >= kFieldMatchThreshold);
  }
  if (row.sex) set(Column::kSex, *row.sex == person.sex);
  if (row.mother_name) {
    set(Column::kMotherName,
        (same_print(claim.mother_print, person.mother_print) && !person.mother_key.empty()) ||
            key_similarity(claim.mother, person.mother_key) >= kFieldMatchThreshold);
  }
  if (row.address) {
    set(Column::kAddress,
        key_similarity(claim.address, person.address_key) >= kFieldMatchThreshold);
  }
  if (row.village_code) set(Column::kVillageCode, *row.village_code == person.village_code);
  return all;
}

}  // namespace ektp::bulk
