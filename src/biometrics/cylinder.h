// Minutia Cylinder-Code, bit version (Cappelli, Ferrara & Maltoni, TPAMI 2010): each minutia's
// neighbourhood becomes a 16 x 16 x 6 bit cylinder plus a validity mask, so that two local
// structures compare with popcounts. A SearchTemplate is a template prepared once for matching.
// Thread-safety: plain values; SearchTemplate is immutable after build and shareable.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "biometrics/convex_hull.h"
#include "biometrics/minutia.h"
#include "biometrics/parameters.h"

namespace ektp::biometrics {

inline constexpr int kCylinderCells =
    parameters::mcc_spatial_cells * parameters::mcc_spatial_cells * parameters::mcc_direction_cells;
inline constexpr int kCylinderWords = kCylinderCells / 64;

struct Cylinder {
  std::array<std::uint64_t, kCylinderWords> bits{};
  std::array<std::uint64_t, kCylinderWords> valid{};
};

struct PreparedMinutia {
  float x = 0;      // px, y axis pointing up (right-handed, like the angle)
  float y = 0;
  float angle_rad = 0;
};

struct SearchTemplate {
  std::vector<PreparedMinutia> minutiae;  // only those with a usable cylinder
  std::vector<Cylinder> cylinders;        // parallel to minutiae
  HullLines area;                         // convex hull of all the template's minutiae
};

// Builds the cylinders; minutiae whose cylinders have too few valid cells or neighbours are
// left out (as the paper prescribes). Never fails; an empty result matches nothing.
SearchTemplate prepare(const FeatureTemplate& t);

// Local similarity of two cylinders in [0, 1], or -1 when they are not matchable (too little
// common valid area).
float cylinder_similarity(const Cylinder& a, const Cylinder& b);

// cylinder_similarity of `a` against each of `b`, into out[0..b.size()).
void cylinder_similarity_row(const Cylinder& a, std::span<const Cylinder> b, std::span<float> out);
// The same over a chosen subset of cylinders.
void cylinder_similarity_row(const Cylinder& a, std::span<const Cylinder* const> b, std::span<float> out);

}  // namespace ektp::biometrics
