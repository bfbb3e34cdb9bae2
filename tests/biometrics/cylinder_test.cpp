#include "biometrics/cylinder.h"

#include <bit>
#include <cmath>

#include "test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(Cylinder, RealTemplateGetsCylindersForMostMinutiae) {
  const auto t = testing::load_template("fvc2002-db1b", 101, 1);
  const auto s = prepare(t);
  EXPECT_GT(s.cylinders.size(), t.minutiae.size() / 2);
  for (const Cylinder& c : s.cylinders)
    for (std::size_t w = 0; w < c.bits.size(); ++w) EXPECT_EQ(c.bits[w] & ~c.valid[w], 0u);
}

TEST(Cylinder, SelfSimilarityIsOneAndOthersLower) {
  const auto s = prepare(testing::load_template("fvc2002-db1b", 101, 1));
  ASSERT_GE(s.cylinders.size(), 2u);
  EXPECT_FLOAT_EQ(cylinder_similarity(s.cylinders[0], s.cylinders[0]), 1.0f);
  std::vector<float> row(s.cylinders.size());
  cylinder_similarity_row(s.cylinders[0], s.cylinders, row);
  EXPECT_FLOAT_EQ(row[0], 1.0f);
  for (std::size_t j = 1; j < row.size(); ++j) {
    EXPECT_LT(row[j], 1.0f);
    EXPECT_FLOAT_EQ(row[j], cylinder_similarity(s.cylinders[0], s.cylinders[j]));
  }
}

TEST(Cylinder, TooFewMinutiaeGiveNoCylinders) {
  FeatureTemplate t{300, 300, 3, {{100, 100, 0.5f, MinutiaType::kEnding, 50}, {120, 110, 1.0f, MinutiaType::kEnding, 50}}};
  EXPECT_TRUE(prepare(t).cylinders.empty());
  EXPECT_TRUE(prepare(FeatureTemplate{}).cylinders.empty());
}

// Validity by the definition: a spatial cell counts when its centre lies within the radius and
// no further than the hull offset outside the template's convex hull. Checked cell by cell for
// every minutia of a real template, against the area prepare() keeps.
TEST(Cylinder, ValidCellsAreThoseNearTheHull) {
  namespace p = parameters;
  const auto s = prepare(testing::load_template("fvc2002-db1b", 105, 3));
  ASSERT_GT(s.minutiae.size(), 10u);
  const float cell_px = 2.0f * p::mcc_radius_px / p::mcc_spatial_cells, half = (p::mcc_spatial_cells - 1) / 2.0f;
  int partial = 0;
  for (std::size_t m = 0; m < s.minutiae.size(); ++m) {
    const PreparedMinutia& mi = s.minutiae[m];
    const float cs = std::cos(mi.angle_rad), sn = std::sin(mi.angle_rad);
    int expected = 0, got = 0, unsure = 0, within_radius = 0;
    for (int jy = 0; jy < p::mcc_spatial_cells; ++jy)
      for (int ix = 0; ix < p::mcc_spatial_cells; ++ix) {
        const float u = (ix - half) * cell_px, v = (jy - half) * cell_px;
        if (u * u + v * v > p::mcc_radius_px * p::mcc_radius_px) continue;
        ++within_radius;
        const float d = s.area.signed_distance(mi.x + u * cs - v * sn, mi.y + u * sn + v * cs) + p::mcc_hull_offset_px;
        if (std::abs(d) < 1e-3f) ++unsure;  // on the boundary: either answer is right
        expected += d >= 0;
        const int index = jy * p::mcc_spatial_cells + ix;  // direction layer 0
        got += (s.cylinders[m].valid[static_cast<std::size_t>(index / 64)] >> (index % 64)) & 1;
      }
    EXPECT_NEAR(got, expected, unsure) << "minutia " << m;
    partial += expected < within_radius;
  }
  EXPECT_GT(partial, 0);  // some minutiae sit near the border, so the hull really cut cells
}

TEST(Cylinder, DisjointValidAreasAreNotMatchable) {
  Cylinder a, b;
  a.valid.fill(~0ull);
  EXPECT_EQ(cylinder_similarity(a, b), -1.0f);
}

}  // namespace
}  // namespace ektp::biometrics
