// 1:N identification: one finger or up to ten, against a Gallery, in two stages. Stage one scans
// every person's pair histograms (cheap, all threads) and keeps a short list; stage two runs the
// MCC matcher (probe cylinders prepared once) on the short list and fuses the finger scores by
// sum. Thread-safety: search() may run concurrently on one const Gallery.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "abis/abis_parameters.h"
#include "abis/gallery.h"

namespace ektp::abis {

struct SearchProbe {
  // Index = finger position - 1.
  std::array<std::optional<biometrics::FeatureTemplate>, parameters::fingers_per_person> fingers;
};

struct Candidate {
  PersonId person = 0;
  float score = 0;          // sum of the compared fingers' MCC scores
  int fingers_compared = 0;
};

struct SearchOptions {
  std::size_t candidates_max = 10;                      // at most parameters::search_candidates_max
  float score_threshold = 0.0f;                         // candidates below are dropped
  std::size_t shortlist_persons = 0;                    // 0 = budget / probe fingers
  int threads = 0;                                      // 0 = all cores
};

// What one search cost, for evaluation: wall time per stage and the short list itself, so an
// evaluation can tell a mate that stage one dropped from one that stage two scored low.
struct SearchStats {
  double first_stage_ms = 0;   // probe histograms and the scan of the whole gallery
  double second_stage_ms = 0;  // probe cylinders and the matcher on the short list
  std::vector<PersonId> shortlist;  // best first-stage score first
};

// Candidates sorted by decreasing score. kInvalidArgument for an empty probe or bad options.
// `stats`, when given, is filled for a successful search.
Result<std::vector<Candidate>> search(const Gallery& gallery, const SearchProbe& probe,
                                      const SearchOptions& options = {}, SearchStats* stats = nullptr);

}  // namespace ektp::abis
