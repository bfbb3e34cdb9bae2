// A minutia and the feature template the extractor produces. Coordinates are pixels at 500 ppi,
// origin top-left; the angle is counter-clockwise from the x axis with y pointing up (ISO
// 19794-2 convention), in radians [0, 2pi). Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <vector>

namespace ektp::biometrics {

enum class MinutiaType : std::uint8_t { kEnding = 1, kBifurcation = 2 };

struct Minutia {
  std::int32_t x = 0;
  std::int32_t y = 0;
  float angle_rad = 0.0f;
  MinutiaType type = MinutiaType::kEnding;
  std::uint8_t quality = 0;  // 0..100, 100 best
};

struct FeatureTemplate {
  std::int32_t width_px = 0;
  std::int32_t height_px = 0;
  std::uint8_t image_quality = 5;  // NFIQ-like 1 (best) .. 5 (worst)
  std::vector<Minutia> minutiae;
};

}  // namespace ektp::biometrics
