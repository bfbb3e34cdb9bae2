#include "biometrics/extract/skeleton.h"

#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

// A horizontal line from x=2..20 at y=5 with a branch going up from x=10.
GreyImage fork() {
  GreyImage g{24, 12, std::vector<std::uint8_t>(24 * 12, 0)};
  for (int x = 2; x <= 20; ++x) g.pixels[5 * 24 + static_cast<std::size_t>(x)] = 1;
  for (int y = 1; y < 5; ++y) g.pixels[static_cast<std::size_t>(y) * 24 + 10] = 1;
  return g;
}

TEST(Skeleton, CrossingNumbers) {
  const GreyImage g = fork();
  EXPECT_EQ(crossing_number(g, 2, 5), 1);
  EXPECT_EQ(crossing_number(g, 5, 5), 2);
  EXPECT_EQ(crossing_number(g, 10, 5), 3);
}

TEST(Skeleton, WalkStopsAtJunctionAndBudget) {
  const GreyImage g = fork();
  const RidgeWalk to_fork = walk_ridge(g, 2, 5, 3, 5, 30);
  EXPECT_EQ(to_fork.stop, RidgeWalk::Stop::kJunction);
  EXPECT_EQ(to_fork.end_x, 10);
  const RidgeWalk short_walk = walk_ridge(g, 2, 5, 3, 5, 4);
  EXPECT_EQ(short_walk.stop, RidgeWalk::Stop::kBudget);
  EXPECT_EQ(short_walk.end_x, 6);
}

TEST(Skeleton, BranchesOfAFork) {
  EXPECT_EQ(branches_at(fork(), 10, 5).count, 3);
  EXPECT_EQ(branches_at(fork(), 2, 5).count, 1);
}

}  // namespace
}  // namespace ektp::biometrics
