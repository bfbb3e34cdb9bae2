// 1:1 fingerprint comparison: MCC local similarities, then local similarity sort with
// relaxation (LSS-R, Cappelli et al. 2010) to keep only geometrically consistent pairs, then a
// global consolidation (consolidation.h) that scales the score by how well the prints agree
// across their common area. Score in [0, 1]; bench/README.md gives the thresholds for each
// false-match rate.
// Thread-safety: Matcher is immutable after construction; share it across threads.
#pragma once

#include "biometrics/consolidation.h"
#include "biometrics/cylinder.h"

namespace ektp::biometrics {

class Matcher {
 public:
  // Prepares the probe once; each match() then costs only the comparison.
  explicit Matcher(SearchTemplate probe) : probe_(std::move(probe)) {}
  float match(const SearchTemplate& candidate) const;
  const SearchTemplate& probe() const { return probe_; }

 private:
  SearchTemplate probe_;
};

// Convenience for one-off comparisons.
float match_templates(const SearchTemplate& a, const SearchTemplate& b);

// The same comparison with its parts, to see why a pair scored as it did.
struct MatchDetail {
  float lss_r = 0;              // the relaxed local-similarity score alone
  Consolidation consolidation;  // global agreement under one alignment
  float score = 0;              // what match_templates returns
};
MatchDetail match_detail(const SearchTemplate& a, const SearchTemplate& b);

}  // namespace ektp::biometrics
