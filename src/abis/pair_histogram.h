// The first stage of 1:N search: a histogram of minutia pairs by distance, relative direction and
// direction against the joining segment. It ignores rotation and translation, costs 256 bytes
// and compares in a few dozen instructions, so the whole gallery can be scanned before the
// full matcher runs on a short list. Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <span>

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

// Population-centred comparison, the one 1:N search ranks by. Every finger's pair histogram has
// much the same overall shape (many pairs at mid distances, few far apart), and intersection
// scores mostly that shared shape, so a mate can rank behind hundreds of strangers. Subtracting
// the population's mean histogram (of mass-normalised histograms) leaves what is particular to
// the finger, and the cosine of the two centred vectors compares that: -1 .. 1.
struct PopulationMean {
  std::array<float, parameters::histogram_bins> mean{};  // zero: plain cosine of the histograms
  float mean_squared = 0;                                // |mean|^2
};
// Mean of the mass-normalised histograms given (empty ones skipped).
PopulationMean population_mean(std::span<const PairHistogram> histograms);

// What a gallery finger keeps for the centred comparison, computed once against the mean.
struct CenteredTerms {
  float mean_dot = 0;       // mean . b / mass(b)
  float inverse_norm = 0;   // 1 / |b / mass(b) - mean|; 0 for an empty histogram
};
CenteredTerms centered_terms(const PairHistogram& b, const PopulationMean& mean);

// The probe's side, prepared once per search.
struct CenteredProbe {
  std::array<float, parameters::histogram_bins> centered{};  // a / mass(a) - mean
  float centered_dot_mean = 0;                                // centered . mean
  float inverse_norm = 0;                                     // 1 / |centered|; 0 when empty
};
CenteredProbe centered_probe(const PairHistogram& a, const PopulationMean& mean);

// cos(a/mass(a) - mean, b/mass(b) - mean); 0 when either histogram is empty.
float centered_similarity(const CenteredProbe& a, const PairHistogram& b, const CenteredTerms& b_terms);

}  // namespace ektp::abis
