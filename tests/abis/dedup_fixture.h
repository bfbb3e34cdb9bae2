// Shared setup for the deduplication tests: a migrated database on each back end, real enrollments
// made from FVC fingers (cached per process: extraction takes ~0.2 s per enrollment), a test clock,
// and "receive", which does what the sync ingest does when an enrollment arrives at central.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "abis/dedup_jobs.h"
#include "abis/dedup_service.h"
#include "registry/enrollment_store.h"
#include "store/migrations.h"
#include "support/enrollment_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::abis::testing {

inline constexpr const char* kNikA = "3327015508900001";
inline constexpr const char* kNikB = "3327015508900002";
inline constexpr const char* kNikC = "3327015508900003";
inline constexpr const char* kNikD = "3327015508900004";
inline constexpr std::int64_t kStartMs = 1'795'000'100'000;

// The ten fingers of FVC set `set` (index into test::fingerprint_sets()), impression `impression`:
// the same set with another impression is the same person again.
inline registry::Enrollment person(std::size_t set, int impression, const std::string& enrollment_id,
                                   const std::string& nik) {
  static std::map<std::pair<std::size_t, int>, registry::Enrollment> cache;
  auto key = std::make_pair(set, impression);
  auto it = cache.find(key);
  if (it == cache.end()) {
    it = cache.emplace(key, test::real_enrollment("cached", kNikA, test::fingerprint_sets().at(set), impression)).first;
  }
  registry::Enrollment e = it->second;
  e.enrollment_id = enrollment_id;
  e.nik = nik;
  return e;
}

class DedupTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
  }

  DedupOptions options() {
    DedupOptions o;
    o.clock = [this] { return clock_ms_ += 1000; };
    o.search_threads = 2;
    return o;
  }

  std::unique_ptr<DedupService> open_service() {
    auto service = DedupService::open(db(), options());
    EXPECT_TRUE(service.has_value()) << service.error().message;
    return service ? std::move(*service) : nullptr;
  }

  // What the sync ingest does on arrival: store the record as `terkirim` and queue its dedup job,
  // in one transaction.
  void receive(registry::Enrollment e) {
    e.status = registry::EnrollmentStatus::kSent;
    e.received_at_ms = clock_ms_ += 1000;
    auto done = store::with_write_transaction<bool>(db(), [&](store::Connection& c) -> Result<bool> {
      if (auto s = registry::insert_enrollment(c, e); !s) return std::unexpected(s.error());
      if (auto s = enqueue_dedup_job(c, e.enrollment_id, e.nik, e.received_at_ms); !s) return std::unexpected(s.error());
      return true;
    });
    ASSERT_OK(done);
  }

  registry::EnrollmentStatus status_of(const std::string& enrollment_id) {
    auto conn = db().connect();
    EXPECT_TRUE(conn.has_value());
    auto e = registry::load_enrollment(**conn, enrollment_id, false);
    EXPECT_TRUE(e.has_value()) << e.error().message;
    return e ? e->status : registry::EnrollmentStatus::kRecorded;
  }

  DedupJob job_of(const std::string& enrollment_id) {
    auto conn = db().connect();
    EXPECT_TRUE(conn.has_value());
    auto job = dedup_job_of(**conn, enrollment_id);
    EXPECT_TRUE(job.has_value() && job->has_value());
    return job && *job ? **job : DedupJob{};
  }

  std::vector<AdjudicationCase> cases(std::optional<CaseStatus> status = std::nullopt) {
    auto conn = db().connect();
    EXPECT_TRUE(conn.has_value());
    auto all = list_cases(**conn, status);
    EXPECT_TRUE(all.has_value());
    return all ? *all : std::vector<AdjudicationCase>{};
  }

  std::int64_t clock_ms_ = kStartMs;
};

}  // namespace ektp::abis::testing
