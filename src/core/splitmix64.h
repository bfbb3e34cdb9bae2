// SplitMix64 (Steele, Lea and Flood 2014): a small, fast random source that gives the same stream
// for a seed with every compiler and standard library (std distributions do not), for seeded
// simulations and synthetic data. Not for anything secret. Thread-safety: one instance per thread.
#pragma once

#include <cstdint>

namespace ektp {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1), from the top 53 bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

}  // namespace ektp
