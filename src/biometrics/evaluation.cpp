#include "biometrics/evaluation.h"

#include <algorithm>
#include <cmath>

namespace ektp::biometrics {

std::vector<DetPoint> det_curve(std::vector<float> genuine, std::vector<float> impostor) {
  std::sort(genuine.begin(), genuine.end());
  std::sort(impostor.begin(), impostor.end());
  std::vector<float> thresholds = genuine;
  thresholds.insert(thresholds.end(), impostor.begin(), impostor.end());
  std::sort(thresholds.begin(), thresholds.end());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  thresholds.push_back(thresholds.empty() ? 1.0f : std::nextafter(thresholds.back(), 2.0f));
  std::vector<DetPoint> curve;
  curve.reserve(thresholds.size());
  const double ng = std::max<std::size_t>(genuine.size(), 1), ni = std::max<std::size_t>(impostor.size(), 1);
  for (float t : thresholds) {
    // A comparison "matches" when score >= t.
    const auto g_below = std::lower_bound(genuine.begin(), genuine.end(), t) - genuine.begin();
    const auto i_below = std::lower_bound(impostor.begin(), impostor.end(), t) - impostor.begin();
    curve.push_back({static_cast<double>(impostor.size() - static_cast<std::size_t>(i_below)) / ni,
                     static_cast<double>(g_below) / ng});
  }
  return curve;
}

ErrorRates error_rates(std::vector<float> genuine, std::vector<float> impostor) {
  ErrorRates r;
  if (genuine.empty() || impostor.empty()) return r;
  const auto curve = det_curve(std::move(genuine), std::move(impostor));
  // EER: the first threshold where FNMR >= FMR, averaged with the step before (FVC style).
  for (std::size_t i = 0; i < curve.size(); ++i) {
    if (curve[i].fnmr >= curve[i].fmr) {
      const DetPoint now = curve[i];
      const DetPoint before = i > 0 ? curve[i - 1] : now;
      const double at_now = (now.fmr + now.fnmr) / 2, at_before = (before.fmr + before.fnmr) / 2;
      r.eer = std::abs(now.fnmr - now.fmr) <= std::abs(before.fnmr - before.fmr) ? at_now : at_before;
      break;
    }
  }
  for (const DetPoint& d : curve) {
    if (d.fmr <= 0.01) r.fmr100 = std::min(r.fmr100, d.fnmr);
    if (d.fmr <= 0.001) r.fmr1000 = std::min(r.fmr1000, d.fnmr);
    if (d.fmr <= 0.0) r.zero_fmr = std::min(r.zero_fmr, d.fnmr);
  }
  return r;
}

float threshold_for_fmr(std::vector<float> impostor, double fmr) {
  if (impostor.empty()) return 1.0f;
  std::sort(impostor.begin(), impostor.end());
  // Allowed false matches: floor(fmr * n); the threshold sits just above the next score.
  const auto allowed = static_cast<std::size_t>(std::floor(fmr * static_cast<double>(impostor.size())));
  if (allowed >= impostor.size()) return impostor.front();
  return std::nextafter(impostor[impostor.size() - 1 - allowed], 2.0f);
}

}  // namespace ektp::biometrics
