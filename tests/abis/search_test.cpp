#include "abis/search.h"

#include <algorithm>

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

TEST(Search, StatsReportTheShortListAndStageTimes) {
  const Gallery g = synthetic_gallery(300, 4, 2);
  SearchStats stats;
  stats.shortlist = {999'999};  // stale content from an earlier search must not survive
  auto found = search(g, probe_for(4, 42, 10), {.shortlist_persons = 20}, &stats);
  ASSERT_OK(found);
  ASSERT_EQ(stats.shortlist.size(), 20u);
  EXPECT_EQ(std::count(stats.shortlist.begin(), stats.shortlist.end(), 42u), 1);
  EXPECT_EQ(std::count(stats.shortlist.begin(), stats.shortlist.end(), 999'999u), 0);
  EXPECT_GT(stats.first_stage_ms, 0.0);
  EXPECT_GT(stats.second_stage_ms, 0.0);
  // Every candidate comes from the short list.
  for (const Candidate& c : *found)
    EXPECT_NE(std::find(stats.shortlist.begin(), stats.shortlist.end(), c.person), stats.shortlist.end());

  const Gallery empty;
  auto none = search(empty, probe_for(4, 42, 10), {}, &stats);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(stats.shortlist.empty());
  EXPECT_EQ(stats.first_stage_ms, 0.0);
}

TEST(Search, FirstStageAloneRanksMatesFirst) {
  const Gallery g = synthetic_gallery(2000, 6, 2);
  for (std::uint64_t person : {0u, 333u, 1024u, 1999u}) {
    SearchStats stats;
    ASSERT_OK(search(g, probe_for(6, person, 10), {.shortlist_persons = 1}, &stats));
    ASSERT_EQ(stats.shortlist.size(), 1u);
    EXPECT_EQ(stats.shortlist.front(), person);
  }
}

TEST(Search, RejectsBadProbesAndOptions) {
  const Gallery g = synthetic_gallery(10, 4, 1);
  EXPECT_ERROR(search(g, SearchProbe{}), ErrorCode::kInvalidArgument, "no fingers");
  EXPECT_ERROR(search(g, probe_for(4, 1, 1), {.candidates_max = 0}), ErrorCode::kInvalidArgument, "candidates");
  EXPECT_ERROR(search(g, probe_for(4, 1, 1), {.shortlist_persons = 100'001}), ErrorCode::kInvalidArgument, "shortlist");
}

}  // namespace
}  // namespace ektp::abis
