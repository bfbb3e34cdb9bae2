// The dedup job queue on both back ends: idempotent enqueue, order, states, bad input.
#include "abis/dedup_jobs.h"

#include "abis/dedup_fixture.h"

namespace ektp::abis {
namespace {

using namespace testing;
using registry::EnrollmentStatus;

class DedupJobsTest : public DedupTest {
 protected:
  void store(const std::string& id, const std::string& nik) {
    auto conn = db().connect();
    ASSERT_OK(conn);
    registry::Enrollment e = person(0, 1, id, nik);
    e.status = EnrollmentStatus::kSent;
    ASSERT_OK(registry::insert_enrollment(**conn, e));
  }
};

TEST_P(DedupJobsTest, EnqueueIsIdempotentPerEnrollmentAndSetsTheStatus) {
  store("e-1", kNikA);
  auto conn = db().connect();
  ASSERT_OK(conn);
  ASSERT_OK(enqueue_dedup_job(**conn, "e-1", kNikA, kStartMs));
  ASSERT_OK(enqueue_dedup_job(**conn, "e-1", kNikA, kStartMs + 5000));  // the item was sent again
  auto jobs = list_dedup_jobs(**conn, std::nullopt);
  ASSERT_OK(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].enrollment_id, "e-1");
  EXPECT_EQ((*jobs)[0].nik, kNikA);
  EXPECT_EQ((*jobs)[0].status, DedupJobStatus::kQueued);
  EXPECT_EQ((*jobs)[0].created_at_ms, kStartMs);
  EXPECT_EQ((*jobs)[0].result, DedupResult::kNone);
  auto timeline = registry::timeline_of(**conn, kNikA);
  ASSERT_OK(timeline);
  ASSERT_EQ(timeline->size(), 2u);
  EXPECT_EQ((*timeline)[1].status, EnrollmentStatus::kDedup);
  EXPECT_EQ((*timeline)[1].at_ms, kStartMs);

  EXPECT_ERROR(enqueue_dedup_job(**conn, "e-none", kNikA, kStartMs), ErrorCode::kNotFound, "e-none");
  EXPECT_ERROR(enqueue_dedup_job(**conn, "e-1", kNikB, kStartMs), ErrorCode::kInvalidArgument, kNikA);
}

TEST_P(DedupJobsTest, EnqueueInsideAFailedTransactionLeavesNothing) {
  store("e-1", kNikA);
  auto failed = store::with_write_transaction<bool>(db(), [](store::Connection& c) -> Result<bool> {
    if (auto s = enqueue_dedup_job(c, "e-1", kNikA, kStartMs); !s) return std::unexpected(s.error());
    return invalid_argument("the rest of the sync item was bad");
  });
  ASSERT_FALSE(failed.has_value());
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto job = dedup_job_of(**conn, "e-1");
  ASSERT_OK(job);
  EXPECT_FALSE(job->has_value());
  EXPECT_EQ(status_of("e-1"), EnrollmentStatus::kSent);
}

TEST_P(DedupJobsTest, JobsAreTakenInOrderAndMoveThroughTheirStates) {
  store("e-2", kNikB);
  store("e-1", kNikA);
  auto conn = db().connect();
  ASSERT_OK(conn);
  ASSERT_OK(enqueue_dedup_job(**conn, "e-2", kNikB, kStartMs));
  ASSERT_OK(enqueue_dedup_job(**conn, "e-1", kNikA, kStartMs + 1));
  auto first = claim_next_dedup_job(**conn, kStartMs + 10);
  ASSERT_OK(first);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->enrollment_id, "e-2");  // queued first, whatever the id says
  EXPECT_EQ((*first)->status, DedupJobStatus::kRunning);
  EXPECT_EQ((*first)->attempts, 1);
  auto second = claim_next_dedup_job(**conn, kStartMs + 11);
  ASSERT_OK(second);
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->enrollment_id, "e-1");
  auto none = claim_next_dedup_job(**conn, kStartMs + 12);
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());

  ASSERT_OK(finish_dedup_job(**conn, (*first)->id, DedupResult::kNoHit, 0, 0, kStartMs + 20));
  EXPECT_ERROR(finish_dedup_job(**conn, (*first)->id, DedupResult::kNoHit, 0, 0, kStartMs + 21),
               ErrorCode::kFailedPrecondition, "not running");
  EXPECT_ERROR(finish_dedup_job(**conn, (*second)->id, DedupResult::kNone, 0, 0, kStartMs + 21),
               ErrorCode::kInvalidArgument, "result");
  ASSERT_OK(release_dedup_job(**conn, (*second)->id, "database unavailable"));
  auto queued = list_dedup_jobs(**conn, DedupJobStatus::kQueued);
  ASSERT_OK(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ((*queued)[0].error, "database unavailable");
  auto again = claim_next_dedup_job(**conn, kStartMs + 30);
  ASSERT_OK(again);
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->attempts, 2);
  ASSERT_OK(fail_dedup_job(**conn, (*again)->id, std::string(5000, 'e'), kStartMs + 31));
  auto failed = list_dedup_jobs(**conn, DedupJobStatus::kFailed);
  ASSERT_OK(failed);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].error.size(), 1000u);  // clipped

  // A crash leaves a job running; recovery queues it again.
  ASSERT_OK(retry_failed_dedup_job(**conn, (*again)->id));
  ASSERT_OK(claim_next_dedup_job(**conn, kStartMs + 40));
  auto requeued = requeue_running_dedup_jobs(**conn);
  ASSERT_OK(requeued);
  EXPECT_EQ(*requeued, 1);

  EXPECT_ERROR(list_dedup_jobs(**conn, std::nullopt, 0), ErrorCode::kInvalidArgument, "limit");
  EXPECT_ERROR(parse_dedup_job_status("paused"), ErrorCode::kInvalidArgument, "paused");
}

EKTP_INSTANTIATE_FOR_BACKENDS(DedupJobsTest);

}  // namespace
}  // namespace ektp::abis
