// Seeded mutations of valid records for the decoder hardening tests.
#pragma once

#include <random>
#include <vector>

namespace ektp::biometrics::testing {

inline std::vector<std::uint8_t> mutate(const std::vector<std::uint8_t>& valid, std::mt19937& rng) {
  std::vector<std::uint8_t> m = valid;
  switch (rng() % 5) {
    case 0:  // flip a few bytes
      for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n && !m.empty(); ++k)
        m[rng() % m.size()] = static_cast<std::uint8_t>(rng());
      break;
    case 1:  // truncate
      m.resize(rng() % (m.size() + 1));
      break;
    case 2:  // append garbage
      for (int k = 0, n = static_cast<int>(rng() % 40); k < n; ++k) m.push_back(static_cast<std::uint8_t>(rng()));
      break;
    case 3:  // one header byte set to an extreme
      if (m.size() > 24) m[rng() % 24] = rng() % 2 ? 0xFF : 0x00;
      break;
    default:  // random bytes of a plausible length
      for (auto& b : m) b = static_cast<std::uint8_t>(rng());
  }
  return m;
}

}  // namespace ektp::biometrics::testing
