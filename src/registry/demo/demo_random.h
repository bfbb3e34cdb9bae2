// The demo population's random source: SplitMix64, written out here rather than std::mt19937 with
// std::uniform_int_distribution so that a seed gives the same population with every standard
// library. Not for anything secret. Thread-safety: one instance per thread.
#pragma once

#include <cstdint>
#include <span>

#include "core/assert.h"
#include "core/splitmix64.h"

namespace ektp::registry::demo {

class DemoRandom : public SplitMix64 {
 public:
  using SplitMix64::SplitMix64;

  // Uniform in [0, bound). The modulo bias is below 2^-40 for the bounds used here.
  std::uint64_t below(std::uint64_t bound) {
    EKTP_ASSERT(bound > 0);
    return next() % bound;
  }

  // Uniform in [low, high], both included.
  int between(int low, int high) {
    EKTP_ASSERT(low <= high);
    return low + static_cast<int>(below(static_cast<std::uint64_t>(high - low) + 1));
  }


  bool chance(double probability) { return unit() < probability; }

  template <class T>
  const T& pick(std::span<const T> items) {
    EKTP_ASSERT(!items.empty());
    return items[below(items.size())];
  }

  // An index drawn with the given (not necessarily normalised, non-negative) weights.
  std::size_t weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    EKTP_ASSERT(total > 0);
    double target = unit() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (target < weights[i]) return i;
      target -= weights[i];
    }
    return weights.size() - 1;
  }
};

}  // namespace ektp::registry::demo
