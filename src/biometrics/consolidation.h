// Global consolidation of a comparison (after LSS-R): the best relaxed minutia pairs give one
// rigid alignment of the two templates; under it, minutiae are paired one-to-one within a
// tolerance that grows with the distance from those anchor pairs (skin stretches more far from
// where the prints agree), and the paired count is set against how many minutiae of each
// template lie inside the other's convex hull. Strangers that share a few local structures rarely
// agree across their whole common area, while two impressions of one finger do, so the factor
// mostly lowers impostor scores. Pure; thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <span>

#include "biometrics/cylinder.h"

namespace ektp::biometrics {

struct AnchorPair {
  std::uint16_t a = 0, b = 0;  // minutia indices in the two templates
  float weight = 0;            // relaxed local similarity
};

struct Consolidation {
  int paired = 0;          // one-to-one pairs that agree under the alignment
  int a_in_b = 0;          // minutiae of a inside b's hull once aligned
  int b_in_a = 0;          // and the other way round
  float factor = 0;        // 0 .. 1
};

// `anchors`: the best relaxed pairs, best first (at least one).
Consolidation consolidate(const SearchTemplate& a, const SearchTemplate& b, std::span<const AnchorPair> anchors);

}  // namespace ektp::biometrics
