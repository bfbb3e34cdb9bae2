// The station's own duplicate check on both back ends, with real FVC fingers.
#include "abis/local_dedup.h"

#include "abis/dedup_fixture.h"

namespace ektp::abis {
namespace {

using namespace testing;
using registry::EnrollmentStatus;

class LocalDedupTest : public DedupTest {
 protected:
  void store(registry::Enrollment e, EnrollmentStatus status = EnrollmentStatus::kRecorded) {
    auto conn = db().connect();
    ASSERT_OK(conn);
    e.status = status;
    ASSERT_OK(registry::insert_enrollment(**conn, e));
  }
  Result<std::vector<LocalHit>> check(const registry::Enrollment& e) {
    auto conn = db().connect();
    if (!conn) return std::unexpected(conn.error());
    return find_local_duplicates(**conn, e);
  }
};

TEST_P(LocalDedupTest, FindsTheSamePersonEnrolledAgainUnderAnotherNik) {
  store(person(0, 1, "st-1", kNikA));
  store(person(1, 1, "st-2", kNikC));
  auto hits = check(person(0, 2, "st-3", kNikB));
  ASSERT_OK(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].enrollment_id, "st-1");
  EXPECT_EQ((*hits)[0].nik, kNikA);
  EXPECT_GE((*hits)[0].score, parameters::dedup_decision_threshold);
  EXPECT_EQ((*hits)[0].fingers_compared, 10);
  EXPECT_EQ((*hits)[0].finger_scores.size(), 10u);

  // Someone else, or the same person under their own NIK again: no hit.
  auto other = check(person(2, 1, "st-4", kNikD));
  ASSERT_OK(other);
  EXPECT_TRUE(other->empty());
  auto same_nik = check(person(0, 3, "st-5", kNikA));
  ASSERT_OK(same_nik);
  EXPECT_TRUE(same_nik->empty());
}

TEST_P(LocalDedupTest, TheEnrollmentItselfAndDecidedDuplicatesAreNotCandidates) {
  // Already saved at the desk: checking it again does not find itself.
  store(person(0, 1, "st-1", kNikA));
  auto itself = check(person(0, 1, "st-1", kNikA));
  ASSERT_OK(itself);
  EXPECT_TRUE(itself->empty());
  store(person(0, 2, "st-2", kNikB), EnrollmentStatus::kDuplicate);
  auto hits = check(person(0, 3, "st-3", kNikC));
  ASSERT_OK(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].enrollment_id, "st-1");
}

TEST_P(LocalDedupTest, AnEmptyStationHasNoDuplicates) {
  auto hits = check(person(0, 1, "st-1", kNikA));
  ASSERT_OK(hits);
  EXPECT_TRUE(hits->empty());
}

TEST_P(LocalDedupTest, BadInputIsRefusedAndCorruptStoredRecordsAreSkipped) {
  registry::Enrollment stored_broken = person(0, 1, "st-1", kNikA);
  for (auto& f : stored_broken.fingers) f.template_bytes.resize(3);
  store(stored_broken);
  auto hits = check(person(0, 2, "st-2", kNikB));
  ASSERT_OK(hits);
  EXPECT_TRUE(hits->empty());

  registry::Enrollment probe = person(0, 2, "st-2", kNikB);
  probe.fingers[4].template_bytes.assign(40, 0xff);
  EXPECT_ERROR(check(probe), ErrorCode::kDataLoss, "finger 5");
  registry::Enrollment no_fingers = person(0, 2, "st-2", kNikB);
  no_fingers.fingers.clear();
  EXPECT_ERROR(check(no_fingers), ErrorCode::kInvalidArgument, "no finger");
  EXPECT_ERROR(check(person(0, 2, "st-2", "33270155089")), ErrorCode::kInvalidArgument, "16 digits");
  auto conn = db().connect();
  ASSERT_OK(conn);
  EXPECT_ERROR(find_local_duplicates(**conn, person(0, 2, "st-2", kNikB), {.hits_max = 0}),
               ErrorCode::kInvalidArgument, "hits_max");
  EXPECT_ERROR(find_local_duplicates(**conn, person(0, 2, "st-2", kNikB), {.enrollments_max = 0}),
               ErrorCode::kResourceExhausted, "station");
}

EKTP_INSTANTIATE_FOR_BACKENDS(LocalDedupTest);

}  // namespace
}  // namespace ektp::abis
