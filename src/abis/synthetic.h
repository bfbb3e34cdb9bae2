// Synthetic minutiae templates for scale tests of 1:N search: a master finger (realistic count,
// spacing and directions that follow a smooth ridge-flow field) and impressions of it with
// rotation, translation, elastic distortion, missing and spurious minutiae and a partial area.
// Deterministic for a seed. Thread-safety: plain functions; one Rng per thread.
#pragma once

#include <cstdint>
#include <random>

#include "biometrics/minutia.h"

namespace ektp::abis {

using Rng = std::mt19937_64;

struct SyntheticFinger {
  biometrics::FeatureTemplate master;
};

struct ImpressionOptions {
  float rotation_rad_max = 0.35f;
  float translation_px_max = 30.0f;
  float distortion_px_max = 6.0f;
  float missing_probability = 0.2f;
  float spurious_per_finger_mean = 4.0f;
  float position_jitter_px = 2.0f;
  float angle_jitter_rad = 0.12f;
  float kept_area_min = 0.7f;       // fraction of the print area the sensor saw, at least
};

SyntheticFinger make_synthetic_finger(Rng& rng);

biometrics::FeatureTemplate make_impression(const SyntheticFinger& finger, Rng& rng,
                                            const ImpressionOptions& options = {});

}  // namespace ektp::abis
