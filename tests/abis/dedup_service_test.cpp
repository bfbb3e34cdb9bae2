// DedupService on both back ends with real FVC fingers: no hit, hit under another NIK, own NIK,
// restart, corrupt templates, gallery loading, the background worker.
#include "abis/dedup_service.h"

#include <chrono>
#include <numeric>
#include <thread>

#include "abis/dedup_fixture.h"

namespace ektp::abis {
namespace {

using namespace testing;
using registry::EnrollmentStatus;

class DedupServiceTest : public DedupTest {};

TEST_P(DedupServiceTest, NoHitMakesTheEnrollmentReadyToPrintWithATimeline) {
  auto service = open_service();
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->gallery_persons(), 0u);
  receive(person(0, 1, "e-a", kNikA));
  EXPECT_EQ(status_of("e-a"), EnrollmentStatus::kDedup);
  EXPECT_EQ(job_of("e-a").status, DedupJobStatus::kQueued);

  auto summary = service->process_pending();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->no_hit, 1u);
  EXPECT_EQ(summary->hit, 0u);
  EXPECT_EQ(status_of("e-a"), EnrollmentStatus::kReadyToPrint);
  const DedupJob job = job_of("e-a");
  EXPECT_EQ(job.status, DedupJobStatus::kDone);
  EXPECT_EQ(job.result, DedupResult::kNoHit);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_GT(job.finished_at_ms, job.started_at_ms - 1);
  EXPECT_TRUE(service->in_gallery(kNikA));
  EXPECT_EQ(service->gallery_persons(), 1u);

  auto conn = db().connect();
  ASSERT_OK(conn);
  auto timeline = registry::timeline_of(**conn, kNikA);
  ASSERT_OK(timeline);
  ASSERT_EQ(timeline->size(), 3u);
  EXPECT_EQ((*timeline)[0].status, EnrollmentStatus::kSent);
  EXPECT_EQ((*timeline)[1].status, EnrollmentStatus::kDedup);
  EXPECT_EQ((*timeline)[2].status, EnrollmentStatus::kReadyToPrint);
  EXPECT_NE((*timeline)[2].detail.find("Tidak ditemukan data ganda"), std::string::npos);
  EXPECT_TRUE(cases().empty());

  // Nothing left: a second pass does nothing.
  auto again = service->process_pending();
  ASSERT_OK(again);
  EXPECT_EQ(again->no_hit + again->hit + again->failed, 0u);
}

TEST_P(DedupServiceTest, SameFingersUnderAnotherNikOpenACaseWithScores) {
  auto service = open_service();
  ASSERT_NE(service, nullptr);
  receive(person(0, 1, "e-a", kNikA));
  receive(person(1, 1, "e-c", kNikC));  // someone else
  ASSERT_OK(service->process_pending());
  receive(person(0, 2, "e-b", kNikB));  // person A again, under another NIK
  auto summary = service->process_pending();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->hit, 1u);
  EXPECT_EQ(status_of("e-b"), EnrollmentStatus::kAdjudication);
  EXPECT_EQ(status_of("e-c"), EnrollmentStatus::kReadyToPrint);
  EXPECT_FALSE(service->in_gallery(kNikB));

  const DedupJob job = job_of("e-b");
  EXPECT_EQ(job.result, DedupResult::kHit);
  EXPECT_EQ(job.candidates, 1);
  auto open = cases(CaseStatus::kOpen);
  ASSERT_EQ(open.size(), 1u);
  const AdjudicationCase& c = open[0];
  EXPECT_EQ(c.job_id, job.id);
  EXPECT_EQ(c.enrollment_id, "e-b");
  EXPECT_EQ(c.nik, kNikB);
  EXPECT_EQ(c.candidate_nik, kNikA);
  EXPECT_EQ(c.candidate_enrollment_id, "e-a");
  EXPECT_EQ(c.candidate_rank, 1);
  EXPECT_GE(c.score, parameters::dedup_decision_threshold);
  EXPECT_FLOAT_EQ(static_cast<float>(job.best_score), c.score);
  ASSERT_EQ(c.finger_scores.size(), 10u);
  float sum = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(c.finger_scores[i].position, static_cast<int>(i) + 1);
    EXPECT_GE(c.finger_scores[i].score, 0.0f);
    EXPECT_LE(c.finger_scores[i].score, 1.0f);
    sum += c.finger_scores[i].score;
  }
  EXPECT_NEAR(sum, c.score, 1e-3);

  // The minutiae overlay: both enrollments, every finger, decoded from the stored templates.
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto detail = load_case(**conn, c.id);
  ASSERT_OK(detail);
  EXPECT_EQ(detail->probe.enrollment_id, "e-b");
  EXPECT_EQ(detail->probe.nik, kNikB);
  EXPECT_EQ(detail->probe.status, EnrollmentStatus::kAdjudication);
  EXPECT_EQ(detail->candidate.enrollment_id, "e-a");
  EXPECT_EQ(detail->candidate.nik, kNikA);
  for (const CaseSide* side : {&detail->probe, &detail->candidate}) {
    ASSERT_EQ(side->fingers.size(), 10u);
    for (const FingerOverlay& f : side->fingers) {
      EXPECT_TRUE(f.error.empty()) << f.error;
      EXPECT_GT(f.width_px, 0);
      EXPECT_GT(f.height_px, 0);
      EXPECT_GT(f.minutiae.size(), 5u);
      for (const auto& m : f.minutiae) {
        EXPECT_LT(m.x, f.width_px);
        EXPECT_LT(m.y, f.height_px);
      }
    }
  }
  EXPECT_ERROR(load_case(**conn, 999), ErrorCode::kNotFound, "999");
}

TEST_P(DedupServiceTest, AReEnrollmentOfTheSameNikIsNotItsOwnDuplicate) {
  auto service = open_service();
  ASSERT_NE(service, nullptr);
  receive(person(0, 1, "e-a1", kNikA));
  ASSERT_OK(service->process_pending());
  receive(person(0, 3, "e-a2", kNikA));
  auto summary = service->process_pending();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->no_hit, 1u);
  EXPECT_EQ(status_of("e-a2"), EnrollmentStatus::kReadyToPrint);
  EXPECT_EQ(service->gallery_persons(), 1u);
  EXPECT_TRUE(cases().empty());
  // search() says the same without recording anything: A's own NIK is left out, another NIK hits.
  auto own = service->search(person(0, 4, "e-probe", kNikA));
  ASSERT_OK(own);
  EXPECT_TRUE(own->empty());
  auto other = service->search(person(0, 4, "e-probe", kNikD));
  ASSERT_OK(other);
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0].nik, kNikA);
  EXPECT_EQ((*other)[0].enrollment_id, "e-a1");
  EXPECT_EQ((*other)[0].fingers_compared, 10);
}

TEST_P(DedupServiceTest, AJobLeftRunningByACrashIsProcessedAfterARestart) {
  {
    auto first = open_service();
    ASSERT_NE(first, nullptr);
    receive(person(0, 1, "e-a", kNikA));
    ASSERT_OK(first->process_pending());
  }
  receive(person(0, 2, "e-b", kNikB));
  // The worker took the job and then the process died.
  auto taken = store::with_write_transaction<std::optional<DedupJob>>(
      db(), [](store::Connection& c) { return claim_next_dedup_job(c, kStartMs + 50'000); });
  ASSERT_OK(taken);
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ((*taken)->enrollment_id, "e-b");
  EXPECT_EQ(job_of("e-b").status, DedupJobStatus::kRunning);

  std::vector<GalleryLoadProgress> reports;
  auto restarted = DedupService::open(db(), options(), [&](const GalleryLoadProgress& p) { reports.push_back(p); });
  ASSERT_OK(restarted);
  EXPECT_EQ(job_of("e-b").status, DedupJobStatus::kQueued);
  // The gallery came back from the database: A passed dedup before the crash.
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.front().enrollments_total, 1u);
  EXPECT_EQ(reports.back().enrollments_done, 1u);
  EXPECT_EQ(reports.back().persons, 1u);
  EXPECT_EQ(reports.back().fingers, 10u);
  EXPECT_EQ((*restarted)->load_summary().persons, 1u);
  EXPECT_TRUE((*restarted)->in_gallery(kNikA));

  auto summary = (*restarted)->process_pending();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->hit, 1u);
  const DedupJob job = job_of("e-b");
  EXPECT_EQ(job.status, DedupJobStatus::kDone);
  EXPECT_EQ(job.attempts, 2);
  EXPECT_EQ(status_of("e-b"), EnrollmentStatus::kAdjudication);
  ASSERT_EQ(cases().size(), 1u);
  EXPECT_EQ(cases()[0].candidate_nik, kNikA);
}

TEST_P(DedupServiceTest, ACorruptTemplateFailsItsJobAndLaterJobsStillRun) {
  auto service = open_service();
  ASSERT_NE(service, nullptr);
  registry::Enrollment broken = person(0, 1, "e-broken", kNikA);
  broken.fingers[2].template_bytes[20] ^= 0x5a;  // the CRC no longer matches
  receive(broken);
  registry::Enrollment empty = person(2, 1, "e-empty", kNikD);
  for (auto& f : empty.fingers) f = registry::FingerCapture{f.position, {}, "", {}, 0, "luka"};
  receive(empty);
  receive(person(1, 1, "e-c", kNikC));

  auto summary = service->process_pending();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->failed, 2u);
  EXPECT_EQ(summary->no_hit, 1u);
  const DedupJob failed = job_of("e-broken");
  EXPECT_EQ(failed.status, DedupJobStatus::kFailed);
  EXPECT_NE(failed.error.find("finger 3"), std::string::npos) << failed.error;
  EXPECT_NE(job_of("e-empty").error.find("no finger"), std::string::npos) << job_of("e-empty").error;
  EXPECT_EQ(status_of("e-broken"), EnrollmentStatus::kDedup);
  EXPECT_EQ(status_of("e-c"), EnrollmentStatus::kReadyToPrint);
  EXPECT_FALSE(service->in_gallery(kNikA));

  // An operator may retry it once the record is fixed; unfixed, it fails again.
  auto conn = db().connect();
  ASSERT_OK(conn);
  EXPECT_ERROR(retry_failed_dedup_job(**conn, job_of("e-c").id), ErrorCode::kFailedPrecondition, "not failed");
  ASSERT_OK(retry_failed_dedup_job(**conn, failed.id));
  EXPECT_EQ(job_of("e-broken").status, DedupJobStatus::kQueued);
  auto again = service->process_pending();
  ASSERT_OK(again);
  EXPECT_EQ(again->failed, 1u);
}

TEST_P(DedupServiceTest, GalleryLoadSkipsWhatCannotBeSearchedAndKeepsOneEnrollmentPerNik) {
  // Enrollments already cleared before the service starts (as after an import).
  auto conn = db().connect();
  ASSERT_OK(conn);
  for (auto e : {person(0, 1, "e-1", kNikA), person(0, 2, "e-2", kNikA), person(1, 1, "e-3", kNikC)}) {
    e.status = EnrollmentStatus::kPrinted;
    ASSERT_OK(registry::insert_enrollment(**conn, e));
  }
  registry::Enrollment broken = person(2, 1, "e-4", kNikD);
  broken.status = EnrollmentStatus::kReadyToPrint;
  broken.fingers[0].template_bytes.resize(5);
  ASSERT_OK(registry::insert_enrollment(**conn, broken));
  registry::Enrollment waiting = person(3, 1, "e-5", kNikB);
  waiting.status = EnrollmentStatus::kAdjudication;  // not cleared: never in the gallery
  ASSERT_OK(registry::insert_enrollment(**conn, waiting));

  auto service = open_service();
  ASSERT_NE(service, nullptr);
  const GalleryLoadProgress p = service->load_summary();
  EXPECT_EQ(p.enrollments_total, 4u);
  EXPECT_EQ(p.enrollments_done, 4u);
  EXPECT_EQ(p.persons, 2u);
  EXPECT_EQ(p.fingers, 20u);
  EXPECT_EQ(p.enrollments_skipped, 2u);
  EXPECT_NE(p.last_problem.find("e-4"), std::string::npos) << p.last_problem;
  EXPECT_TRUE(service->in_gallery(kNikA));
  EXPECT_TRUE(service->in_gallery(kNikC));
  EXPECT_FALSE(service->in_gallery(kNikD));
  EXPECT_FALSE(service->in_gallery(kNikB));
}

TEST_P(DedupServiceTest, BadOptionsAndBadProbesAreRefused) {
  DedupOptions bad = options();
  bad.decision_threshold = 0;
  EXPECT_ERROR(DedupService::open(db(), bad), ErrorCode::kInvalidArgument, "threshold");
  bad = options();
  bad.cases_max = 0;
  EXPECT_ERROR(DedupService::open(db(), bad), ErrorCode::kInvalidArgument, "cases_max");
  auto service = open_service();
  ASSERT_NE(service, nullptr);
  EXPECT_ERROR(service->search(person(0, 1, "e-x", "12345")), ErrorCode::kInvalidArgument, "16 digits");
  registry::Enrollment none = person(0, 1, "e-x", kNikA);
  none.fingers.clear();
  EXPECT_ERROR(service->search(none), ErrorCode::kInvalidArgument, "no finger");
}

TEST_P(DedupServiceTest, TheWorkerThreadProcessesJobsWhenWoken) {
  auto service = open_service();
  ASSERT_NE(service, nullptr);
  service->start();
  service->start();  // idempotent
  receive(person(0, 1, "e-a", kNikA));
  service->wake();
  // Wait for the outcome, not for a time: the bound only keeps a broken worker from hanging.
  for (int i = 0; i < 600 && job_of("e-a").status != DedupJobStatus::kDone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(job_of("e-a").status, DedupJobStatus::kDone);
  service->stop();
  service->stop();
  EXPECT_OK(service->last_worker_status());
  EXPECT_EQ(status_of("e-a"), EnrollmentStatus::kReadyToPrint);
}

EKTP_INSTANTIATE_FOR_BACKENDS(DedupServiceTest);

}  // namespace
}  // namespace ektp::abis
