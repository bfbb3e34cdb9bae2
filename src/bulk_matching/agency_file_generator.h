// A synthetic agency file (a BPJS or bank member list) made from register persons, with the faults
// real files carry and the truth for each row, to measure bulk matching (bench/
// bulk_match_accuracy, tests). The fault makers are exposed for tests. Deterministic for a seed
// (SplitMix64, the same stream everywhere). Pure, no I/O; thread-safety: no shared state.
//
// A row starts from one person: a register member, or (outsider_share) a person the register does
// not hold. It then draws faults independently, each with its share (a fault that cannot apply
// — no MUHAMMAD to abbreviate, a day above 12 to swap — is skipped):
// * name: old spelling (the inverse of EYD: U→OE, C→TJ, J→DJ, Y→J, NY→NJ, SY→SJ, KH→CH; SUYONO →
//   SOEJONO, CAHYO → TJAHJO), a title or degree (H., HJ., DRS., IR., DR., ", S.PD", ", S.E.",
//   ", S.H."), MUHAMMAD → M. / MOH. / MUH. / MOCH., words in another order, "BIN"/"BINTI" and a
//   father's given name appended, one typing slip (substitution by a keyboard neighbour,
//   transposition, a dropped letter);
// * another person's name (NIK rows only: the agency holds the wrong name for a right NIK);
// * birth date: day and month swapped, the year one off;
// * NIK: left out (missing_nik_share) or one digit mistyped;
// * mother's name: one slip; place of birth: written "KAB. X" or in old spelling;
// * duplicate: the row repeats an earlier one (same fields, another row id).
// Columns: name, birth date, sex, place of birth, mother's name and village code are supplied
// (each can be switched off); NIK unless missing.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bulk_matching/bulk_row.h"
#include "core/error.h"
#include "core/splitmix64.h"

namespace ektp::bulk {

inline constexpr std::size_t kAgencyRowsMax = 50'000'000;

enum class Fault : std::uint8_t {
  kOldSpelling, kTitle, kMuhammadAbbreviated, kWordOrder, kPatronymic, kNameTypo, kOtherName,
  kSwappedDayMonth, kYearOff, kMissingNik, kMistypedNik, kMotherTypo, kPlaceVariant, kOutsider,
  kDuplicate,
};
inline constexpr std::size_t kFaultCount = 15;
std::string_view fault_id(Fault fault);  // "old_spelling", "title", …

struct GeneratorOptions {
  std::uint64_t seed = 1;
  std::size_t rows = 10'000;
  double outsider_share = 0.05;
  double missing_nik_share = 0.25;
  double mistyped_nik_share = 0.02;
  double old_spelling_share = 0.15;
  double title_share = 0.08;
  double muhammad_share = 0.5;  // of names with MUHAMMAD
  double word_order_share = 0.03;
  double patronymic_share = 0.04;
  double name_typo_share = 0.08;
  double other_name_share = 0.02;  // of rows that keep their NIK
  double swapped_day_month_share = 0.03;
  double year_off_share = 0.03;
  double mother_typo_share = 0.05;
  double place_variant_share = 0.05;
  double duplicate_share = 0.01;
  bool with_sex = true;
  bool with_birth_place = true;
  bool with_mother_name = true;
  bool with_village_code = true;
};

struct GeneratedRow {
  ClaimRow row;
  std::optional<std::string> true_nik;  // nullopt: the person is not in the register
  std::uint32_t faults = 0;             // bit (1 << Fault)
  bool has(Fault f) const { return (faults >> static_cast<unsigned>(f) & 1u) != 0; }
};

// `members` are in the register, `outsiders` are not (they must not share NIKs with members).
// Errors (kInvalidArgument): no members, outsider_share > 0 without outsiders, a share outside
// 0..1, rows 0 or above kAgencyRowsMax.
Result<std::vector<GeneratedRow>> generate_agency_file(std::span<const RegisterEntry> members,
                                                       std::span<const RegisterEntry> outsiders,
                                                       const GeneratorOptions& options);

// The fault makers (upper-case names as the register writes them).
std::string to_old_spelling(std::string_view name);
std::string with_typo(std::string_view text, SplitMix64& random);
std::string with_title(std::string_view name, Sex sex, SplitMix64& random);
// nullopt when the name has no MUHAMMAD word.
std::optional<std::string> with_muhammad_abbreviated(std::string_view name, SplitMix64& random);
std::string with_words_rotated(std::string_view name);
std::string mistyped_nik(std::string_view nik, SplitMix64& random);

}  // namespace ektp::bulk
