#include "core/parallel_for.h"

#include <atomic>
#include <vector>

#include "support/test_support.h"

namespace ektp {
namespace {

TEST(ParallelFor, EveryPieceRunsOnce) {
  for (std::size_t threads : {0u, 1u, 2u, 7u, 64u}) {
    std::vector<std::atomic<int>> runs(1000);
    parallel_for(runs.size(), threads, [&](std::size_t k) { ++runs[k]; });
    for (std::size_t k = 0; k < runs.size(); ++k) ASSERT_EQ(runs[k].load(), 1) << "piece " << k << ", threads " << threads;
  }
}

TEST(ParallelFor, NoPiecesRunsNothingAndFewPiecesNeedFewThreads) {
  std::atomic<int> calls{0};
  parallel_for(0, 8, [&](std::size_t) { ++calls; });
  EXPECT_EQ(calls.load(), 0);
  std::vector<int> out(3, 0);
  parallel_for(out.size(), 100, [&](std::size_t k) { out[k] = static_cast<int>(k) * 2; });
  EXPECT_EQ(out, (std::vector<int>{0, 2, 4}));
  EXPECT_GE(hardware_threads(), 1u);
}

}  // namespace
}  // namespace ektp
