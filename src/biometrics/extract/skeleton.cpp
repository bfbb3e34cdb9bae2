#include "biometrics/extract/skeleton.h"

#include <cstdlib>

namespace ektp::biometrics {

namespace {

constexpr std::array<int, 8> kDx = {0, 1, 1, 1, 0, -1, -1, -1};
constexpr std::array<int, 8> kDy = {-1, -1, 0, 1, 1, 1, 0, -1};

bool set_at(const GreyImage& s, int x, int y) {
  return x >= 0 && y >= 0 && x < s.width && y < s.height && s.at(x, y) != 0;
}

}  // namespace

int crossing_number(const GreyImage& skeleton, int x, int y) {
  int changes = 0;
  for (int i = 0; i < 8; ++i) {
    const bool a = set_at(skeleton, x + kDx[i], y + kDy[i]);
    const bool b = set_at(skeleton, x + kDx[(i + 1) % 8], y + kDy[(i + 1) % 8]);
    changes += a != b;
  }
  return changes / 2;
}

Branches branches_at(const GreyImage& skeleton, int x, int y) {
  Branches out;
  for (int i = 0; i < 8 && out.count < 4; ++i) {
    const bool here = set_at(skeleton, x + kDx[i], y + kDy[i]);
    const int prev = (i + 7) % 8;
    const bool before = set_at(skeleton, x + kDx[prev], y + kDy[prev]);
    if (!here || before) continue;
    // Start of a run: prefer its side (4-connected) pixel if the run has one.
    int pick = i;
    if (i % 2 == 1 && set_at(skeleton, x + kDx[(i + 1) % 8], y + kDy[(i + 1) % 8])) pick = (i + 1) % 8;
    out.x[static_cast<std::size_t>(out.count)] = x + kDx[pick];
    out.y[static_cast<std::size_t>(out.count)] = y + kDy[pick];
    ++out.count;
  }
  return out;
}

RidgeWalk walk_ridge(const GreyImage& skeleton, int x, int y, int first_x, int first_y,
                     int steps_max) {
  RidgeWalk walk{first_x, first_y, 1, RidgeWalk::Stop::kBudget};
  int prev_x = x, prev_y = y, prev2_x = x, prev2_y = y;
  int cx = first_x, cy = first_y;
  while (walk.steps < steps_max) {
    const int cn = crossing_number(skeleton, cx, cy);
    if (cn == 1) {
      walk.stop = RidgeWalk::Stop::kEnding;
      break;
    }
    if (cn >= 3) {
      walk.stop = RidgeWalk::Stop::kJunction;
      break;
    }
    int next_x = -1, next_y = -1;
    for (int i = 0; i < 8; ++i) {
      const int nx = cx + kDx[i], ny = cy + kDy[i];
      if (!set_at(skeleton, nx, ny)) continue;
      if ((nx == prev_x && ny == prev_y) || (nx == prev2_x && ny == prev2_y) || (nx == x && ny == y))
        continue;
      // Skip pixels adjacent to where we came from: they belong to the same step.
      if (std::abs(nx - prev_x) <= 1 && std::abs(ny - prev_y) <= 1) continue;
      next_x = nx;
      next_y = ny;
      if (i % 2 == 0) break;  // a side step is the most direct continuation
    }
    if (next_x < 0) {
      walk.stop = RidgeWalk::Stop::kLost;
      break;
    }
    prev2_x = prev_x;
    prev2_y = prev_y;
    prev_x = cx;
    prev_y = cy;
    cx = next_x;
    cy = next_y;
    ++walk.steps;
  }
  walk.end_x = cx;
  walk.end_y = cy;
  return walk;
}

}  // namespace ektp::biometrics
