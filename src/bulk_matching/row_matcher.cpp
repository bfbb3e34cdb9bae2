// One claimed row against the register: NIK path and demographic path (row_matcher.h).
#include "bulk_matching/row_matcher.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <vector>

#include "bulk_matching/row_comparison.h"
#include "core/assert.h"
#include "core/parallel_for.h"

namespace ektp::bulk {
namespace {

constexpr std::size_t idx(Column c) { return static_cast<std::size_t>(c); }

// The set of letters A–Z in a key, one bit each.
std::uint32_t letter_set(std::string_view key) {
  std::uint32_t set = 0;
  for (char c : key) {
    if (c >= 'A' && c <= 'Z') set |= 1u << (c - 'A');
  }
  return set;
}

struct Scored {
  PersonId person = 0;
  double weight = 0.0;
  NameLevel name = NameLevel::kOther;
};

class DemographicSearch {
 public:
  DemographicSearch(const ClaimKeys& claim, const RegisterIndex& index, const MatchParameters& p)
      : claim_(claim), index_(index), p_(p), w_(model_weights(p)) {}

  // Weighs every candidate in the word blocks; then, only if none of them has an agreeing name,
  // those in the letter blocks (a claim with a slip in every word: a one-word name).
  void run(MatchDetail& detail) {
    const std::vector<std::uint32_t> dates = tolerated_dates(claim_.birth_date);
    std::vector<PersonId> seen;
    for (std::uint32_t d : dates) {
      for (const std::string& w : claim_.name_words) collect(word_block_key(w, d), seen, detail);
    }
    weigh(seen);
    detail.candidates = seen.size();
    if (name_agreed_) return;
    std::string letters;
    for (const std::string& w : claim_.name_words) {
      for (char c : {w.front(), w.back()}) {
        if (letters.find(c) == std::string::npos) letters += c;
      }
    }
    std::vector<PersonId> more;
    for (std::uint32_t d : dates) {
      for (char c : letters) collect(letter_block_key(c, d), more, detail);
    }
    std::sort(more.begin(), more.end());
    more.erase(std::unique(more.begin(), more.end()), more.end());
    std::vector<PersonId> fresh;
    std::set_difference(more.begin(), more.end(), seen.begin(), seen.end(),
                        std::back_inserter(fresh));
    // Letter candidates share no word with the claim; a name within a slip or two of every word
    // shares nearly all its letters, so a cheap letter-set test goes before the name comparison.
    const std::uint32_t claim_letters = letter_set(claim_.name.main);
    const auto allowed = static_cast<int>(2 * claim_.name_words.size() + 2);
    std::erase_if(fresh, [&](PersonId id) {
      const std::uint32_t theirs = letter_set(main_part(index_.person(id).name_key));
      return std::popcount(theirs ^ claim_letters) > allowed;
    });
    weigh(fresh);
    detail.candidates += fresh.size();
  }

  const std::optional<Scored>& best() const { return best_; }
  const std::optional<Scored>& runner_up() const { return second_; }

 private:
  void collect(std::uint64_t key, std::vector<PersonId>& out, MatchDetail& detail) {
    if (!index_.block(key, out)) ++detail.blocks_overflowed;
  }

  // The lowest weight that can still matter: below it a candidate neither wins nor spoils.
  double floor() const {
    double f = p_.accept_weight - p_.winner_margin;
    if (best_) f = std::max(f, best_->weight - p_.winner_margin);
    return f;
  }

  void weigh(std::vector<PersonId>& ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (PersonId id : ids) {
      ComparisonLevels levels;
      const auto w = match_weight(claim_, index_.person(id), index_, p_, w_, floor(), &levels);
      if (!w) continue;
      const Scored s{id, *w, levels.name.value_or(NameLevel::kOther)};
      name_agreed_ = name_agreed_ || s.name != NameLevel::kOther;
      if (!best_ || s.weight > best_->weight) {
        second_ = best_;
        best_ = s;
      } else if (!second_ || s.weight > second_->weight) {
        second_ = s;
      }
    }
  }

  const ClaimKeys& claim_;
  const RegisterIndex& index_;
  const MatchParameters& p_;
  const ModelWeights w_;
  std::optional<Scored> best_;
  std::optional<Scored> second_;
  bool name_agreed_ = false;  // some candidate weighed so far has an agreeing name
};

}  // namespace

MatchDetail match_row_detailed(const ClaimRow& row, const RegisterIndex& index,
                               const MatchOptions& options) {
  const MatchParameters& p =
      options.parameters != nullptr ? *options.parameters : default_match_parameters();
  MatchDetail detail;
  RowOutcome& outcome = detail.outcome;
  outcome.record = row.record;
  outcome.row_id = row.row_id;
  if (row.nik) {
    if (const auto id = index.find_nik(*row.nik)) {
      const PersonView person = index.person(*id);
      const ClaimKeys claim = claim_keys(row, &person);
      detail.person = *id;
      outcome.verdicts[idx(Column::kNik)] = FieldVerdict::kSesuai;
      const bool all = fill_verdicts(row, claim, person, outcome);
      outcome.result = !person.alive ? RowResult::kDeceased
                       : all         ? RowResult::kMatch
                                     : RowResult::kMatchFieldsDiffer;
      return detail;
    }
    outcome.verdicts[idx(Column::kNik)] = FieldVerdict::kTidakSesuai;
  }
  const ClaimKeys claim = claim_keys(row);
  const RowResult none = row.nik ? RowResult::kNikNotFound : RowResult::kNotFound;
  outcome.result = none;
  if (!options.search_demographics || claim.name_words.empty() || claim.birth_date == 0) {
    return detail;
  }
  detail.by_demographics = true;
  DemographicSearch search(claim, index, p);
  search.run(detail);
  const auto& best = search.best();
  if (!best) return detail;
  detail.best_weight = best->weight;
  detail.best_candidate = best->person;
  detail.best_name_agrees = best->name != NameLevel::kOther;
  if (search.runner_up()) detail.runner_up_weight = search.runner_up()->weight;
  const bool clear = !search.runner_up() ||
                     best->weight - search.runner_up()->weight >= p.winner_margin;
  if (best->name == NameLevel::kOther || best->weight < p.accept_weight || !clear) return detail;

  const PersonView person = index.person(best->person);
  detail.person = best->person;
  fill_verdicts(row, claim, person, outcome);
  if (!person.alive) {
    outcome.result = RowResult::kDeceased;
  } else {
    outcome.result = RowResult::kFoundByDemographics;
    if (options.reveal_matched_nik) outcome.matched_nik = nik_text(person.nik);
  }
  return detail;
}

RowOutcome match_row(const ClaimRow& row, const RegisterIndex& index, const MatchOptions& options) {
  return match_row_detailed(row, index, options).outcome;
}

void match_rows(std::span<const ClaimRow> rows, const RegisterIndex& index,
                const MatchOptions& options, std::size_t threads, std::span<RowOutcome> out) {
  EKTP_ASSERT(out.size() == rows.size());
  const std::size_t chunks = (rows.size() + kMatchChunkRows - 1) / kMatchChunkRows;
  parallel_for(chunks, threads, [&](std::size_t c) {
    const std::size_t end = std::min(rows.size(), (c + 1) * kMatchChunkRows);
    for (std::size_t i = c * kMatchChunkRows; i < end; ++i) {
      out[i] = match_row(rows[i], index, options);
    }
  });
}

}  // namespace ektp::bulk
