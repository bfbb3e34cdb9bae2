// Matching of one claimed row against the register index (SPEC §8, pemadanan).
//
// * NIK path: a row whose NIK is in the register is compared field by field with that person
//   (row_comparison.h): kDeceased when the person has died, kMatch when every supplied field is
//   sesuai, kMatchFieldsDiffer otherwise. One binary search and one comparison per field.
// * Demographic path: a row without a NIK, or with a NIK the register does not know, is looked up
//   by name and birth date (both required; without them the row is not found): the candidates
//   are the persons in its blocks (field_keys.h: each name word × each tolerated date; only when
//   none of those has an agreeing name, each first / last letter × date, less those whose set
//   of letters differs from the claim's in more than 2 × words + 2 letters), each weighed with
//   the Fellegi–Sunter model of match_parameters.h. The best candidate is taken only if its
//   name agrees (≥ 0.85), its weight reaches accept_weight and it beats the runner-up by
//   winner_margin bits — two near-equal
//   candidates (twins with similar names, a person registered twice) give not_found, never a
//   guess. Result: kFoundByDemographics (kDeceased if that person has died), else kNikNotFound
//   when the row had a NIK and kNotFound when it had none. The found person's NIK is returned
//   only when MatchOptions::reveal_matched_nik (the agreement allows it).
// Work per row is bounded: ≤ 4 tolerated dates × ≤ 8 words, blocks of ≤ kBlockPersonsMax.
// Pure; thread-safe: any number of threads may match rows against one index at once.
#pragma once

#include <optional>
#include <span>

#include "bulk_matching/bulk_row.h"
#include "bulk_matching/match_parameters.h"
#include "bulk_matching/register_index.h"

namespace ektp::bulk {

struct MatchOptions {
  bool reveal_matched_nik = false;  // the agreement (PKS) lets the agency learn a found NIK
  bool search_demographics = true;  // false: rows without a known NIK are not looked up
  const MatchParameters* parameters = nullptr;  // nullptr: default_match_parameters()
};

// What match_row decided and why (for evaluation and the job's statistics).
struct MatchDetail {
  RowOutcome outcome;
  std::optional<PersonId> person;  // the person the row was matched to (NIK or demographics)
  bool by_demographics = false;    // the demographic path ran
  double best_weight = 0.0;        // demographic path: best and runner-up weights (bits)
  std::optional<double> runner_up_weight;
  std::optional<PersonId> best_candidate;  // the best-weighed candidate, taken or not
  bool best_name_agrees = false;           // its name scored ≥ 0.85
  std::size_t candidates = 0;        // distinct persons weighed
  std::size_t blocks_overflowed = 0;  // blocks skipped for holding more than kBlockPersonsMax
};

RowOutcome match_row(const ClaimRow& row, const RegisterIndex& index, const MatchOptions& options);

// match_row for every row, rows[i] into out[i] (out.size() must equal rows.size()), on up to
// `threads` threads (core/parallel_for.h, chunks of kMatchChunkRows). Results are the same for
// any thread count.
inline constexpr std::size_t kMatchChunkRows = 256;
void match_rows(std::span<const ClaimRow> rows, const RegisterIndex& index,
                const MatchOptions& options, std::size_t threads, std::span<RowOutcome> out);
MatchDetail match_row_detailed(const ClaimRow& row, const RegisterIndex& index,
                               const MatchOptions& options);

}  // namespace ektp::bulk
