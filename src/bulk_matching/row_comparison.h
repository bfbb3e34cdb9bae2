// One claimed row compared with one register person: the row's matching keys (made once per row),
// the per-field verdicts (sesuai / tidak_sesuai) and the Fellegi–Sunter agreement levels and
// weight of match_parameters.h. Pure, no I/O; thread-safe (reads the index only).
//
// Verdict rules, per supplied field (a field the row does not supply is not compared):
// * name, mother_name: name_similarity of the phonetic keys (a BIN/BINTI patronymic may be
//   present on either side, field_keys.h) ≥ kNameMatchThreshold (0.85);
// * birth_date, sex, village_code: equal;
// * birth_place: place keys (KAB./KOTA dropped, old spellings modernised) with key_similarity
//   ≥ 0.85, so one slip is tolerated;
// * address: address keys (filler words such as JL./NO./DUSUN dropped) with key_similarity
//   ≥ 0.85: word order free, one slip per long word, house numbers exact.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bulk_matching/bulk_row.h"
#include "bulk_matching/field_keys.h"
#include "bulk_matching/match_parameters.h"
#include "bulk_matching/register_index.h"

namespace ektp::bulk {

// A claimed row's keys; a field the row lacks has an empty key (or 0 date, no sex).
struct ClaimKeys {
  NameKeys name;
  std::vector<std::string> name_words;  // blocking_words of name.main, owned
  std::string mother;
  std::string place;
  std::string address;
  std::uint32_t birth_date = 0;
  std::optional<Sex> sex;
  std::optional<std::string> village_code;
  std::uint64_t name_print = 0;  // text_fingerprint of each text as written
  std::uint64_t mother_print = 0;
  std::uint64_t place_print = 0;
};
// All keys; with `nik_person`, the name, mother and place keys are left empty where the text is
// verbatim the person's (fill_verdicts then needs no key: see text_fingerprint).
ClaimKeys claim_keys(const ClaimRow& row, const PersonView* nik_person = nullptr);

// The agreement levels of the supplied fields (nullopt: not supplied or not comparable).
struct ComparisonLevels {
  std::optional<NameLevel> name;
  double name_score = 0.0;
  std::optional<DateLevel> birth_date;
  std::optional<bool> sex;
  std::optional<bool> birth_place;
  std::optional<MotherLevel> mother;
  std::optional<bool> village;
};

NameLevel name_level(double score);
ComparisonLevels compare_levels(const ClaimKeys& claim, const PersonView& person);

// The match weight in bits, with the name's term-frequency adjustment. When `floor` is given
// and the weight cannot reach it (judged from the cheap fields before the names are compared),
// returns nullopt without comparing names. `levels` (optional) receives the levels compared.
// `weights` are model_weights(parameters).
std::optional<double> match_weight(const ClaimKeys& claim, const PersonView& person,
                                   const RegisterIndex& index, const MatchParameters& parameters,
                                   const ModelWeights& weights, std::optional<double> floor,
                                   ComparisonLevels* levels);

// Fills outcome.verdicts and outcome.name_score for every supplied field but nik and row_id;
// true when every compared field is sesuai.
bool fill_verdicts(const ClaimRow& row, const ClaimKeys& claim, const PersonView& person,
                   RowOutcome& outcome);

}  // namespace ektp::bulk
