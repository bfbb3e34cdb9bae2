#include "abis/fvc_protocol.h"

#include <chrono>
#include <optional>

#include "biometrics/extractor.h"
#include "biometrics/matcher.h"

namespace ektp::abis {

namespace bio = ektp::biometrics;
using Clock = std::chrono::steady_clock;

FvcReport run_fvc(const std::vector<FvcImage>& images, int dpi, ImpostorPairs impostors) {
  FvcReport report;
  std::vector<std::optional<bio::SearchTemplate>> prepared(images.size());
  double extraction_s = 0, minutiae = 0;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto start = Clock::now();
    auto t = bio::extract(images[i].image, dpi);
    extraction_s += std::chrono::duration<double>(Clock::now() - start).count();
    if (!t || t->minutiae.empty()) {
      ++report.failures_to_extract;
      continue;
    }
    minutiae += static_cast<double>(t->minutiae.size());
    prepared[i] = bio::prepare(*t);
  }
  const std::size_t extracted = images.size() - static_cast<std::size_t>(report.failures_to_extract);
  report.extraction_ms_mean = images.empty() ? 0 : 1000 * extraction_s / static_cast<double>(images.size());
  report.minutiae_mean = extracted == 0 ? 0 : minutiae / static_cast<double>(extracted);

  double comparison_s = 0;
  std::size_t comparisons = 0;
  auto compare = [&](std::size_t i, std::size_t j) -> float {
    if (!prepared[i] || !prepared[j]) return 0.0f;
    const auto start = Clock::now();
    const float s = bio::match_templates(*prepared[i], *prepared[j]);
    comparison_s += std::chrono::duration<double>(Clock::now() - start).count();
    ++comparisons;
    return s;
  };
  for (std::size_t i = 0; i < images.size(); ++i) {
    for (std::size_t j = i + 1; j < images.size(); ++j) {
      if (images[i].finger == images[j].finger) {
        report.genuine.push_back(compare(i, j));
      } else if (impostors == ImpostorPairs::kAll ||
                 (images[i].impression == 1 && images[j].impression == 1)) {
        report.impostor.push_back(compare(i, j));
      }
    }
  }
  report.comparison_us_mean = comparisons == 0 ? 0 : 1e6 * comparison_s / static_cast<double>(comparisons);
  report.rates = bio::error_rates(report.genuine, report.impostor);
  return report;
}

std::vector<float> all_impostor_scores(const std::vector<std::vector<FvcImage>>& sets, const std::vector<int>& dpis) {
  struct Item {
    std::size_t set;
    int finger;
    bio::SearchTemplate prepared;
  };
  std::vector<Item> items;
  for (std::size_t k = 0; k < sets.size() && k < dpis.size(); ++k) {
    for (const FvcImage& image : sets[k]) {
      auto t = bio::extract(image.image, dpis[k]);
      if (t && !t->minutiae.empty()) items.push_back({k, image.finger, bio::prepare(*t)});
    }
  }
  std::vector<float> scores;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const bio::Matcher probe(items[i].prepared);
    for (std::size_t j = i + 1; j < items.size(); ++j) {
      if (items[i].set == items[j].set && items[i].finger == items[j].finger) continue;
      scores.push_back(probe.match(items[j].prepared));
    }
  }
  return scores;
}

}  // namespace ektp::abis
