// Thresholds for false-match rates below what the impostor scores can show empirically: a
// peaks-over-threshold fit of the impostor score tail with a generalised Pareto distribution
// (GPD; probability-weighted moments, Hosking & Wallis 1987), extrapolated to the wanted rate,
// with a bootstrap interval. 78,400 real impostor comparisons cannot show FMR 1e-5 by counting;
// the fit says where the threshold lies if the tail keeps the shape it has over its top 1 %.
// Pure; thread-safety: reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/error.h"

namespace ektp::biometrics {

struct ScoreTailFit {
  float exceedance_threshold = 0;  // u: scores above it are the fitted tail
  std::size_t exceedances = 0;     // how many impostor scores lie above u
  std::size_t scores = 0;          // all impostor scores
  double shape = 0;                // xi (< 0: bounded tail, 0: exponential, > 0: heavy)
  double scale = 0;                // sigma, in score units
};

struct TailThreshold {
  double fmr = 0;
  float threshold = 0;             // P(impostor score >= threshold) = fmr under the fit
  float interval_low = 0;          // 5th and 95th percentiles over bootstrap refits
  float interval_high = 0;
};

inline constexpr std::size_t tail_exceedances_min = 50;  // fewer cannot fit two parameters

// Fits the top `tail_fraction` of the scores (0 < tail_fraction <= 0.2). kInvalidArgument for a
// score that is not finite, when
// fewer than tail_exceedances_min scores lie in the tail, or the tail is degenerate (all equal)
// or too heavy for the moment estimator (shape >= 0.5).
Result<ScoreTailFit> fit_score_tail(std::vector<float> impostor, double tail_fraction = 0.01);

// The score whose exceedance probability under `fit` is `fmr` (0 < fmr <= the tail fraction).
float tail_threshold(const ScoreTailFit& fit, double fmr);

// tail_threshold with a bootstrap interval: the tail is resampled `resamples` times (seeded, so
// the same scores give the same interval) and refitted.
Result<TailThreshold> tail_threshold_with_interval(const std::vector<float>& impostor, double fmr,
                                                   double tail_fraction = 0.01, int resamples = 200,
                                                   std::uint64_t seed = 1);

}  // namespace ektp::biometrics
