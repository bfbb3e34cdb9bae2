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
