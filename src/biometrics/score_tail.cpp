#include "biometrics/score_tail.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace ektp::biometrics {

namespace {

// PWM estimates from exceedances y (sorted ascending) over u. With a0 = E[Y] and
// a1 = E[Y (1 - F(Y))], Hosking & Wallis give k = a0 / (a0 - 2 a1) - 2 and
// sigma = 2 a0 a1 / (a0 - 2 a1) for F(y) = 1 - (1 - k y / sigma)^(1/k); our shape is xi = -k.
Result<ScoreTailFit> fit_sorted_exceedances(const std::vector<double>& y, float u, std::size_t scores) {
  const double n = static_cast<double>(y.size());
  double a0 = 0, a1 = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double plotting_position = (static_cast<double>(i) + 1 - 0.35) / n;
    a0 += y[i];
    a1 += (1 - plotting_position) * y[i];
  }
  a0 /= n;
  a1 /= n;
  const double denominator = a0 - 2 * a1;
  if (a0 <= 0 || denominator <= 0) return invalid_argument("the score tail is degenerate (all scores equal)");
  const double k = a0 / denominator - 2;
  const double sigma = 2 * a0 * a1 / denominator;
  if (-k >= 0.5) return invalid_argument("the score tail is too heavy to fit by moments (shape >= 0.5)");
  return ScoreTailFit{u, y.size(), scores, -k, sigma};
}

Result<ScoreTailFit> fit_sorted(const std::vector<float>& sorted_descending, double tail_fraction) {
  if (!(tail_fraction > 0 && tail_fraction <= 0.2))
    return invalid_argument("tail fraction must be in (0, 0.2], not " + std::to_string(tail_fraction));
  const std::size_t scores = sorted_descending.size();
  const auto wanted = static_cast<std::size_t>(std::floor(tail_fraction * static_cast<double>(scores)));
  if (wanted < tail_exceedances_min)
    return invalid_argument(std::to_string(scores) + " impostor scores leave " + std::to_string(wanted) +
                            " in the tail; at least " + std::to_string(tail_exceedances_min) + " are needed");
  // u is the first score below the tail, so ties at u do not count as exceedances.
  const float u = sorted_descending[wanted];
  std::vector<double> y;
  for (std::size_t i = 0; i < wanted && sorted_descending[i] > u; ++i)
    y.push_back(static_cast<double>(sorted_descending[i]) - u);
  if (y.size() < tail_exceedances_min) return invalid_argument("the score tail is degenerate (too many ties)");
  std::reverse(y.begin(), y.end());
  return fit_sorted_exceedances(y, u, scores);
}

// The scores, largest first; kInvalidArgument naming the first that is not finite.
Result<std::vector<float>> sorted_descending(std::vector<float> scores) {
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (!std::isfinite(scores[i])) return invalid_argument("impostor score " + std::to_string(i) + " is not a finite number");
  std::sort(scores.begin(), scores.end(), std::greater<>());
  return scores;
}

}  // namespace

Result<ScoreTailFit> fit_score_tail(std::vector<float> impostor, double tail_fraction) {
  auto sorted = sorted_descending(std::move(impostor));
  if (!sorted) return std::unexpected(sorted.error());
  return fit_sorted(*sorted, tail_fraction);
}

float tail_threshold(const ScoreTailFit& fit, double fmr) {
  const double p_u = static_cast<double>(fit.exceedances) / static_cast<double>(std::max<std::size_t>(fit.scores, 1));
  const double ratio = p_u / std::clamp(fmr, 1e-300, p_u);  // >= 1: fmr lies inside the tail
  const double excess = std::abs(fit.shape) < 1e-9 ? fit.scale * std::log(ratio)
                                                   : fit.scale / fit.shape * (std::pow(ratio, fit.shape) - 1);
  return fit.exceedance_threshold + static_cast<float>(excess);
}

Result<TailThreshold> tail_threshold_with_interval(const std::vector<float>& impostor, double fmr,
                                                   double tail_fraction, int resamples, std::uint64_t seed) {
  auto tail = sorted_descending(impostor);  // sorted once: the fit and the resampling share it
  if (!tail) return std::unexpected(tail.error());
  auto fit = fit_sorted(*tail, tail_fraction);
  if (!fit) return std::unexpected(fit.error());
  const double p_u = static_cast<double>(fit->exceedances) / static_cast<double>(fit->scores);
  if (!(fmr > 0 && fmr <= p_u))
    return invalid_argument("FMR " + std::to_string(fmr) + " lies outside the fitted tail (0, " + std::to_string(p_u) + "]");
  if (resamples < 10 || resamples > 10'000) return invalid_argument("resamples must be in 10..10000");
  tail->resize(fit->exceedances);
  // Resample the exceedances (u and the scores below it stay), refit, and read the threshold.
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<std::size_t> pick(0, tail->size() - 1);
  std::vector<float> thresholds;
  std::vector<double> y(tail->size());
  for (int r = 0; r < resamples; ++r) {
    for (double& v : y) v = static_cast<double>((*tail)[pick(random)]) - fit->exceedance_threshold;
    std::sort(y.begin(), y.end());
    if (auto refit = fit_sorted_exceedances(y, fit->exceedance_threshold, fit->scores))
      thresholds.push_back(tail_threshold(*refit, fmr));
  }
  if (thresholds.size() < 10) return invalid_argument("the score tail could not be refitted for an interval");
  std::sort(thresholds.begin(), thresholds.end());
  const auto at = [&](double q) {
    return thresholds[static_cast<std::size_t>(q * static_cast<double>(thresholds.size() - 1))];
  };
  return TailThreshold{fmr, tail_threshold(*fit, fmr), at(0.05), at(0.95)};
}

}  // namespace ektp::biometrics
