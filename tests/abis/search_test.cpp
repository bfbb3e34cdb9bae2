#include "abis/search.h"

#include "abis/identify_eval.h"
#include "support/test_support.h"

namespace ektp::abis {
namespace {

SearchProbe probe_for(std::uint64_t seed, std::uint64_t person, int fingers) {
  SearchProbe probe;
  for (int f = 1; f <= fingers; ++f) {
    const auto finger = synthetic_finger(seed, person, f);
    Rng rng(person * 31 + static_cast<std::uint64_t>(f) + 999);
    probe.fingers[static_cast<std::size_t>(f - 1)] = make_impression(finger, rng);
  }
  return probe;
}

TEST(Search, FindsTheEnrolledPersonFirst) {
  const Gallery g = synthetic_gallery(300, 4, 2);
  for (std::uint64_t person : {5u, 123u, 299u}) {
    auto found = search(g, probe_for(4, person, 10));
    ASSERT_OK(found);
    ASSERT_FALSE(found->empty());
    EXPECT_EQ(found->front().person, person);
    EXPECT_EQ(found->front().fingers_compared, 10);
  }
}

TEST(Search, SingleFingerSearchWorksToo) {
  const Gallery g = synthetic_gallery(200, 4, 2);
  auto found = search(g, probe_for(4, 77, 1), {.candidates_max = 5});
  ASSERT_OK(found);
  ASSERT_FALSE(found->empty());
  EXPECT_EQ(found->front().person, 77u);
  EXPECT_LE(found->size(), 5u);
}

TEST(Search, UnknownPersonScoresLowAndThresholdEmptiesTheList) {
  const Gallery g = synthetic_gallery(200, 4, 2);
  auto mated = search(g, probe_for(4, 10, 10));
  auto stranger = search(g, probe_for(4, 5000, 10));
  ASSERT_OK(mated);
  ASSERT_OK(stranger);
  ASSERT_FALSE(stranger->empty());
  EXPECT_GT(mated->front().score, 2 * stranger->front().score);
  auto filtered = search(g, probe_for(4, 5000, 10), {.score_threshold = mated->front().score});
  ASSERT_OK(filtered);
  EXPECT_TRUE(filtered->empty());
}

TEST(Search, RejectsBadProbesAndOptions) {
  const Gallery g = synthetic_gallery(10, 4, 1);
  EXPECT_ERROR(search(g, SearchProbe{}), ErrorCode::kInvalidArgument, "no fingers");
  EXPECT_ERROR(search(g, probe_for(4, 1, 1), {.candidates_max = 0}), ErrorCode::kInvalidArgument, "candidates");
}

}  // namespace
}  // namespace ektp::abis
