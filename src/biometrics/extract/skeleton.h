// Reading a thinned ridge skeleton: crossing numbers and bounded ridge walks. Used by minutia
// detection (directions) and by false-minutia removal (spurs, bridges, short ridges).
// Pure; thread-safety: reentrant.
#pragma once

#include <array>

#include "biometrics/grey_image.h"

namespace ektp::biometrics {

// Half the number of 0/1 changes around the 8-neighbour ring: 1 = ending, 2 = ridge, 3 = fork.
int crossing_number(const GreyImage& skeleton, int x, int y);

struct RidgeWalk {
  int end_x = 0;
  int end_y = 0;
  int steps = 0;
  // What stopped the walk: another minutia (an ending or a junction) or just the step budget.
  enum class Stop { kBudget, kEnding, kJunction, kLost } stop = Stop::kBudget;
};

// Walks the skeleton from (x, y), first stepping to (first_x, first_y), for at most steps_max
// steps; never steps back onto the previous pixel nor onto (x, y).
RidgeWalk walk_ridge(const GreyImage& skeleton, int x, int y, int first_x, int first_y,
                     int steps_max);

// The skeleton neighbours of (x, y) that start separate branches (one per ring run).
struct Branches {
  int count = 0;
  std::array<int, 4> x{};
  std::array<int, 4> y{};
};
Branches branches_at(const GreyImage& skeleton, int x, int y);

}  // namespace ektp::biometrics
