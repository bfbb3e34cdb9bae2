// Tunables and limits of 1:N search, galleries and synthetic templates, in one place.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ektp::abis::parameters {

inline constexpr int fingers_per_person = 10;               // ISO positions 1..10
inline constexpr std::size_t gallery_persons_max = 5'000'000;
inline constexpr std::size_t gallery_bytes_max = std::size_t{8} << 30;
inline constexpr std::size_t search_candidates_max = 100;   // returned candidate list
inline constexpr std::size_t shortlist_persons = 160;       // persons the full matcher sees
inline constexpr int search_threads_max = 64;

// First stage: rotation/translation-invariant histogram of minutia pairs.
inline constexpr int histogram_distance_bins = 8;
inline constexpr float histogram_distance_min_px = 12.0f;
inline constexpr float histogram_distance_bin_px = 20.0f;
inline constexpr int histogram_direction_bins = 8;          // relative direction of the pair
inline constexpr int histogram_segment_bins = 4;            // direction against the segment
inline constexpr int histogram_bins =
    histogram_distance_bins * histogram_direction_bins * histogram_segment_bins;

static_assert(histogram_bins % 32 == 0, "histograms are compared 32 bytes at a time");
static_assert(shortlist_persons >= search_candidates_max / 2);

}  // namespace ektp::abis::parameters
