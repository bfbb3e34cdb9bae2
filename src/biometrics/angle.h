// Arithmetic on minutia directions and other angles in radians, shared by extraction and
// matching. Inline: the matcher calls these in its innermost loops. Thread-safety: pure.
#pragma once

#include <cmath>
#include <numbers>

namespace ektp::biometrics {

// |a - b| wrapped into [0, pi]. Angles in [0, 2 pi) (or within 2 pi of it) take only the
// branches; anything else is reduced exactly with fmod.
inline float angle_difference(float a, float b) {
  constexpr float kPi = std::numbers::pi_v<float>;
  float d = std::abs(a - b);
  if (d >= 4 * kPi) d = std::fmod(d, 2 * kPi);
  if (d >= 2 * kPi) d -= 2 * kPi;
  if (d > kPi) d = 2 * kPi - d;
  return d;
}

// a - b wrapped into [-pi, pi).
inline float signed_angle_difference(float a, float b) {
  constexpr float kPi = std::numbers::pi_v<float>;
  float d = a - b;
  while (d < -kPi) d += 2 * kPi;
  while (d >= kPi) d -= 2 * kPi;
  return d;
}

}  // namespace ektp::biometrics
