// Block orientation field from smoothed squared gradients (Hong, Wan & Jain 1998; Bazen & Gerez
// 2002), with coherence as a reliability measure. Pure; thread-safety: reentrant.
#pragma once

#include "biometrics/grey_image.h"

namespace ektp::biometrics {

struct OrientationField {
  int blocks_x = 0;
  int blocks_y = 0;
  int block_px = 0;
  std::vector<float> ridge_angle;  // radians in [0, pi): direction along the ridges
  std::vector<float> coherence;    // 0 (isotropic noise) .. 1 (perfectly parallel ridges)

  float angle_at(int bx, int by) const {
    return ridge_angle[static_cast<std::size_t>(by) * blocks_x + bx];
  }
  float coherence_at(int bx, int by) const {
    return coherence[static_cast<std::size_t>(by) * blocks_x + bx];
  }
  // Ridge angle at a pixel, interpolating the doubled-angle vectors of the four nearest blocks.
  float angle_at_pixel(float x, float y) const;
};

OrientationField orientation_field(const FloatImage& normalized, const BlockMask& mask);

}  // namespace ektp::biometrics
