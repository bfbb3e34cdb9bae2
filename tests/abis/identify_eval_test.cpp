#include "abis/identify_eval.h"

#include "support/test_support.h"

namespace ektp::abis {
namespace {

TEST(IdentifyEval, SmallGalleryIdentifiesEveryone) {
  auto r = identify_eval({.persons = 200, .searches = 4, .fingers = 10, .threads = 2, .seed = 7});
  ASSERT_OK(r);
  EXPECT_EQ(r->rank1_identification_rate, 1.0);
  EXPECT_EQ(r->fnir, 0.0);
  EXPECT_GT(r->threshold, 0.0f);
  EXPECT_TRUE(r->misses.empty());
  EXPECT_EQ(r->first_stage_miss_rate, 0.0);
  EXPECT_GT(r->gallery_bytes, 200u * 10 * sizeof(PairHistogram));
  EXPECT_GT(r->first_stage_ms_mean, 0.0);
  EXPECT_GT(r->second_stage_ms_mean, 0.0);
  EXPECT_LE(r->first_stage_ms_mean + r->second_stage_ms_mean, r->search_ms_mean * 1.01);
}

TEST(IdentifyEval, CountsNonMatedSearchesSeparately) {
  auto r = identify_eval({.persons = 100, .searches = 2, .non_mated_searches = 5, .fingers = 2, .threads = 1, .seed = 3});
  ASSERT_OK(r);
  EXPECT_EQ(r->searches, 2u);
  EXPECT_EQ(r->non_mated_searches, 5u);
}

TEST(IdentifyEval, ReportsMissedMatesWithTheirStage) {
  // One finger and a short list of 2 persons out of 400: stage one drops some mates, and each
  // miss says whether its mate was short-listed.
  auto r = identify_eval(
      {.persons = 400, .searches = 30, .fingers = 1, .shortlist_persons = 2, .threads = 2, .seed = 5});
  ASSERT_OK(r);
  EXPECT_EQ(r->shortlist_persons, 2u);
  EXPECT_GT(r->first_stage_miss_rate, 0.0);
  EXPECT_EQ(r->misses.size(), static_cast<std::size_t>(r->fnir * 30 + 0.5));
  std::size_t dropped = 0;
  for (const MissedMate& m : r->misses) {
    dropped += !m.shortlisted;
    if (m.shortlisted) {
      EXPECT_LT(m.shortlist_rank, 2u);
    }
    EXPECT_GE(m.score, 0.0f);
    EXPECT_LE(m.score, 1.0f);  // one finger
  }
  // A mate missing from the short list is always a miss.
  EXPECT_EQ(dropped, static_cast<std::size_t>(r->first_stage_miss_rate * 30 + 0.5));
}

TEST(IdentifyEval, RejectsBadOptions) {
  EXPECT_ERROR(identify_eval({.persons = 0}), ErrorCode::kInvalidArgument, "positive");
  EXPECT_ERROR(identify_eval({.persons = 10, .searches = 1, .fingers = 11}), ErrorCode::kInvalidArgument, "fingers");
  EXPECT_ERROR(identify_eval({.persons = parameters::gallery_persons_max + 1}), ErrorCode::kInvalidArgument,
               "persons");
  EXPECT_ERROR(identify_eval({.persons = 10, .threads = -1}), ErrorCode::kInvalidArgument, "threads");
  EXPECT_ERROR(identify_eval({.persons = 10, .threads = parameters::search_threads_max + 1}), ErrorCode::kInvalidArgument,
               "threads");
}

}  // namespace
}  // namespace ektp::abis
