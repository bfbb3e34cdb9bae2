// The first stage of 1:N search: a histogram of minutia pairs by distance, relative direction and
// direction against the joining segment. It ignores rotation and translation, costs 256 bytes
// and compares in a few dozen instructions, so the whole gallery can be scanned before the
// full matcher runs on a short list. Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>

#include "abis/abis_parameters.h"
#include "biometrics/minutia.h"

namespace ektp::abis {

struct PairHistogram {
  std::array<std::uint8_t, parameters::histogram_bins> bins{};
  float mass_sqrt = 0;  // sqrt of the sum of bins, kept for normalisation
};

PairHistogram pair_histogram(const biometrics::FeatureTemplate& t);

// Histogram intersection normalised by the geometric mean of the masses: 0 .. 1.
float histogram_similarity(const PairHistogram& a, const PairHistogram& b);

}  // namespace ektp::abis
