#include "biometrics/extract/minutiae_detection.h"

#include <array>
#include <cmath>
#include <numbers>

#include "biometrics/angle.h"
#include "biometrics/extract/skeleton.h"
#include "biometrics/parameters.h"

namespace ektp::biometrics {

namespace {

constexpr float kTwoPi = 2 * std::numbers::pi_v<float>;

float walk_angle(const GreyImage& skeleton, int x, int y, int first_x, int first_y) {
  const RidgeWalk walk =
      walk_ridge(skeleton, x, y, first_x, first_y, parameters::minutia_direction_trace_px);
  return image_vector_angle(static_cast<float>(walk.end_x - x), static_cast<float>(walk.end_y - y));
}

bool bifurcation_direction(const GreyImage& skeleton, int x, int y, float& angle) {
  const Branches b = branches_at(skeleton, x, y);
  if (b.count != 3) return false;
  std::array<float, 3> a{};
  for (std::size_t i = 0; i < 3; ++i) a[i] = walk_angle(skeleton, x, y, b.x[i], b.y[i]);
  std::size_t best_i = 0, best_j = 1;
  float best = 10;
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = i + 1; j < 3; ++j) {
      const float d = angle_difference(a[i], a[j]);
      if (d < best) {
        best = d;
        best_i = i;
        best_j = j;
      }
    }
  }
  angle = std::atan2(std::sin(a[best_i]) + std::sin(a[best_j]), std::cos(a[best_i]) + std::cos(a[best_j]));
  if (angle < 0) angle += kTwoPi;
  return true;
}

}  // namespace

float image_vector_angle(float dx, float dy) {
  float a = std::atan2(-dy, dx);
  if (a < 0) a += kTwoPi;
  if (a >= kTwoPi) a -= kTwoPi;
  return a;
}

std::vector<Minutia> detect_minutiae(const GreyImage& skeleton, const BlockMask& mask) {
  std::vector<Minutia> out;
  for (int y = 1; y + 1 < skeleton.height; ++y) {
    for (int x = 1; x + 1 < skeleton.width; ++x) {
      if (!skeleton.at(x, y) || !mask.at_pixel(x, y)) continue;
      const int cn = crossing_number(skeleton, x, y);
      if (cn == 1) {
        const Branches b = branches_at(skeleton, x, y);
        if (b.count != 1) continue;
        out.push_back({x, y, walk_angle(skeleton, x, y, b.x[0], b.y[0]), MinutiaType::kEnding, 0});
      } else if (cn == 3) {
        float angle = 0;
        if (bifurcation_direction(skeleton, x, y, angle))
          out.push_back({x, y, angle, MinutiaType::kBifurcation, 0});
      }
    }
  }
  return out;
}

}  // namespace ektp::biometrics
