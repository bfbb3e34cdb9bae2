#include "biometrics/convex_hull.h"

#include <cmath>
#include <limits>

#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(ConvexHull, KeepsTheCornersCounterClockwise) {
  const auto hull = convex_hull({{0, 0}, {10, 0}, {10, 10}, {0, 10}, {5, 5}, {2, 8}, {10, 5}});
  ASSERT_EQ(hull.size(), 4u);  // interior and edge points dropped
  double area2 = 0;            // shoelace: positive for counter-clockwise
  for (std::size_t i = 0; i < hull.size(); ++i) {
    const auto& p = hull[i];
    const auto& q = hull[(i + 1) % hull.size()];
    area2 += p.x * q.y - q.x * p.y;
  }
  EXPECT_NEAR(area2, 200.0, 1e-3);
}

TEST(ConvexHull, SignedDistanceIsPositiveInsideAndNegativeOutside) {
  const HullLines lines = hull_lines(convex_hull({{0, 0}, {10, 0}, {10, 10}, {0, 10}}));
  EXPECT_NEAR(lines.signed_distance(5, 5), 5.0f, 1e-4f);
  EXPECT_NEAR(lines.signed_distance(1, 5), 1.0f, 1e-4f);
  EXPECT_NEAR(lines.signed_distance(-3, 5), -3.0f, 1e-4f);
  EXPECT_NEAR(lines.signed_distance(5, 14), -4.0f, 1e-4f);
}

TEST(ConvexHull, DegenerateInputConstrainsNothing) {
  EXPECT_TRUE(convex_hull({}).empty());
  const auto two = convex_hull({{3, 4}, {1, 1}});
  EXPECT_EQ(two.size(), 2u);
  const HullLines line = hull_lines(convex_hull({{0, 0}, {5, 5}, {10, 10}}));  // collinear
  EXPECT_EQ(line.signed_distance(100, -100), std::numeric_limits<float>::infinity());
}

}  // namespace
}  // namespace ektp::biometrics
