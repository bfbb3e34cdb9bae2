// Convex hull of minutia positions and signed distances to it: the area a template covers, used
// for cylinder validity and for the overlap of two aligned templates. Coordinates with the y axis
// up (as in PreparedMinutia). Thread-safety: plain values.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace ektp::biometrics {

struct Point2 {
  float x = 0, y = 0;
};

// Counter-clockwise hull (Andrew's monotone chain); fewer than 3 points come back as given.
std::vector<Point2> convex_hull(std::vector<Point2> points);

// A convex polygon as edge lines with inward unit normals.
struct HullLines {
  std::vector<float> nx, ny, offset;  // inside: nx*x + ny*y - offset >= 0
  // > 0 inside, < 0 outside (px); a degenerate hull (under 3 vertices) has no edges and puts
  // everything inside (+infinity): it constrains nothing.
  float signed_distance(float x, float y) const {
    float d = std::numeric_limits<float>::infinity();
    for (std::size_t e = 0; e < nx.size(); ++e) d = std::min(d, nx[e] * x + ny[e] * y - offset[e]);
    return d;
  }
};

// Edge lines of a counter-clockwise hull.
HullLines hull_lines(const std::vector<Point2>& hull);

}  // namespace ektp::biometrics
