#include "biometrics/convex_hull.h"

#include <algorithm>
#include <cmath>

namespace ektp::biometrics {

namespace {

float cross(Point2 o, Point2 a, Point2 b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

}  // namespace

std::vector<Point2> convex_hull(std::vector<Point2> pts) {
  std::sort(pts.begin(), pts.end(), [](Point2 a, Point2 b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  if (pts.size() < 3) return pts;
  std::vector<Point2> hull(2 * pts.size());
  std::size_t k = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0) --k;
    hull[k++] = pts[i];
  }
  for (std::size_t i = pts.size() - 1, t = k + 1; i > 0; --i) {
    while (k >= t && cross(hull[k - 2], hull[k - 1], pts[i - 1]) <= 0) --k;
    hull[k++] = pts[i - 1];
  }
  hull.resize(k - 1);
  return hull;
}

HullLines hull_lines(const std::vector<Point2>& hull) {
  HullLines h;
  for (std::size_t i = 0; i < hull.size() && hull.size() >= 3; ++i) {
    const Point2 a = hull[i], b = hull[(i + 1) % hull.size()];
    const float ex = b.x - a.x, ey = b.y - a.y, len = std::sqrt(ex * ex + ey * ey);
    if (len <= 0) continue;
    // Counter-clockwise hull: the interior is to the left of each edge.
    h.nx.push_back(-ey / len);
    h.ny.push_back(ex / len);
    h.offset.push_back(h.nx.back() * a.x + h.ny.back() * a.y);
  }
  return h;
}

}  // namespace ektp::biometrics
