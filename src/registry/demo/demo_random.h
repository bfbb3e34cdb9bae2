// The demo population's random source: SplitMix64, written out here rather than std::mt19937 with
// std::uniform_int_distribution so that a seed gives the same population with every standard
// library. Not for anything secret. Thread-safety: one instance per thread.
#pragma once

#include <cstdint>
#include <span>

#include "core/assert.h"

namespace ektp::registry::demo {

class DemoRandom {
 public:
  explicit DemoRandom(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

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

  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

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

 private:
  std::uint64_t state_;
};

}  // namespace ektp::registry::demo
