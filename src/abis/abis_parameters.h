// Tunables and limits of 1:N search, galleries and synthetic templates, in one place.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ektp::abis::parameters {

inline constexpr int fingers_per_person = 10;               // ISO positions 1..10
inline constexpr std::size_t gallery_persons_max = 5'000'000;
inline constexpr std::size_t gallery_bytes_max = std::size_t{8} << 30;
inline constexpr std::size_t search_candidates_max = 100;   // returned candidate list
// The full matcher's budget per search, in finger comparisons: 160 persons for a 10-finger probe,
// 1,600 for a single finger, so a weaker probe gets a longer short list at the same cost.
inline constexpr std::size_t shortlist_finger_comparisons = 1600;
inline constexpr int search_threads_max = 64;

// First stage: rotation/translation-invariant histogram of minutia pairs.
inline constexpr int histogram_distance_bins = 8;
inline constexpr float histogram_distance_min_px = 12.0f;
inline constexpr float histogram_distance_bin_px = 20.0f;
inline constexpr int histogram_direction_bins = 8;          // relative direction of the pair
inline constexpr int histogram_segment_bins = 4;            // direction against the segment
inline constexpr int histogram_bins =
    histogram_distance_bins * histogram_direction_bins * histogram_segment_bins;

// Deduplication (dedup_service.h). The decision score is the 10-finger fused score of search():
// the sum of the compared fingers' scores. Calibrated on real prints (bench/README.md, "Dedup of
// one enrollment"): over the five FVC sets, 10-finger impostor sums have median 0.041 and maximum
// 0.110 (3,520 pairs), genuine sums minimum 0.40 (140 pairs); 0.20 sits near the geometric middle
// of those two, and the sum of 10 draws from the 78,400 real per-finger impostor scores reaches
// it with probability 9.6e-14, so FPIR stays below 0.1 % for galleries far beyond the national
// 200 M persons even with a large allowance for fingers of one person that are not independent.
// The synthetic-gallery threshold is not used: synthetic scores are not real prints' scores.
inline constexpr float dedup_decision_threshold = 0.20f;
inline constexpr std::size_t dedup_cases_per_enrollment_max = 5;  // best candidates kept per hit
inline constexpr int dedup_job_attempts_max = 3;                   // transient errors, then failed

static_assert(histogram_bins % 32 == 0, "histograms are compared 32 bytes at a time");
static_assert(shortlist_finger_comparisons / fingers_per_person >= search_candidates_max);

}  // namespace ektp::abis::parameters
