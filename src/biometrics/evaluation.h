// Verification error rates from genuine and impostor score sets, as FVC reports them: EER,
// FMR100, FMR1000, ZeroFMR, the DET curve, and the threshold for a target false-match rate.
// Higher score = more similar. Pure; thread-safety: reentrant.
#pragma once

#include <vector>

namespace ektp::biometrics {

struct ErrorRates {
  double eer = 1.0;       // where FMR and FNMR cross
  double fmr100 = 1.0;    // lowest FNMR with FMR <= 1%
  double fmr1000 = 1.0;   // lowest FNMR with FMR <= 0.1%
  double zero_fmr = 1.0;  // lowest FNMR with FMR = 0
};

struct DetPoint {
  double fmr = 0;
  double fnmr = 0;
};

ErrorRates error_rates(std::vector<float> genuine, std::vector<float> impostor);

// FMR/FNMR at every distinct threshold, ordered by increasing threshold.
std::vector<DetPoint> det_curve(std::vector<float> genuine, std::vector<float> impostor);

// Smallest threshold whose FMR on these impostor scores is <= fmr (scores >= threshold match).
float threshold_for_fmr(std::vector<float> impostor, double fmr);

}  // namespace ektp::biometrics
