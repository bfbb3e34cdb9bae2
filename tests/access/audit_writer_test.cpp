// The read audit: a record is committed before the read it describes is served, and when it
// cannot be written (another process holds the write lock) the caller is told so in time.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "access/audit_log.h"
#include "store/migrations.h"
#include "support/test_database.h"

namespace ektp::access {
namespace {

class AuditWriterTest : public test::BackendTest {
 protected:
  void SetUp() override {
    test::BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE(store::migrate(db(), store::registry_migrations()));
  }
  std::int64_t rows_for(std::string_view subject) {
    auto c = db().connect();
    auto rows = (**c).execute("SELECT COUNT(*) FROM audit_log WHERE subject = $1", {std::string(subject)});
    return rows ? rows->rows.front().integer(0) : -1;
  }
};

TEST_P(AuditWriterTest, ARecordIsCommittedWhenRecordReturns) {
  AuditWriter writer(db());
  ASSERT_TRUE(writer.record({1, "operator", "read_person", "3327015508900001", ""}));
  EXPECT_EQ(rows_for("3327015508900001"), 1);  // no flush needed
  ASSERT_TRUE(writer.record_all({{2, "operator", "read_family", "3327015508900002", "kk"},
                                 {2, "operator", "read_family", "3327015508900003", "kk"}}));
  EXPECT_EQ(rows_for("3327015508900003"), 1);
}

TEST_P(AuditWriterTest, ARecordThatCannotBeWrittenIsReportedAndWrittenLater) {
  AuditWriter writer(db());
  // A second process holds the chain: SQLite's write lock, PostgreSQL's chain lock.
  auto other = store::Database::open(test_database().url());
  ASSERT_TRUE(other);
  auto holder = (*other)->connect();
  ASSERT_TRUE(holder);
  ASSERT_TRUE((**holder).begin_write());
  if (backend() == store::Backend::kPostgreSQL) {
    ASSERT_TRUE((**holder).execute("SELECT pg_advisory_xact_lock(746101)"));
  }
  auto refused = writer.record({3, "operator", "read_person", "3327015508900004", ""}, std::chrono::milliseconds(300));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE((**holder).rollback());
  // Nothing is lost: the queued record goes in once the lock is free.
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(rows_for("3327015508900004"), 1);
  auto chain = verify_audit_chain(db());
  ASSERT_TRUE(chain);
  EXPECT_TRUE(chain->valid) << chain->problem;
}

// The callback form: nothing waits on a thread; the callback hears of the commit once, after the
// record is in, or that it could not be written in time (then it is written later).
TEST_P(AuditWriterTest, ACallbackHearsOfTheCommitOrOfTheDelayInTime) {
  AuditWriter writer(db());
  std::promise<Status> committed;
  writer.record_all_then({{5, "operator", "read_person", "3327015508900005", ""}},
                         [&](Status status) { committed.set_value(std::move(status)); });
  auto outcome = committed.get_future();
  ASSERT_EQ(outcome.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(outcome.get());
  EXPECT_EQ(rows_for("3327015508900005"), 1);

  auto other = store::Database::open(test_database().url());
  ASSERT_TRUE(other);
  auto holder = (*other)->connect();
  ASSERT_TRUE(holder);
  ASSERT_TRUE((**holder).begin_write());
  if (backend() == store::Backend::kPostgreSQL) {
    ASSERT_TRUE((**holder).execute("SELECT pg_advisory_xact_lock(746101)"));
  }
  std::promise<Status> late;
  std::atomic<int> calls{0};
  const auto asked = std::chrono::steady_clock::now();
  writer.record_all_then({{6, "operator", "read_person", "3327015508900006", ""}},
                         [&](Status status) {
                           if (calls.fetch_add(1) == 0) late.set_value(std::move(status));
                         },
                         std::chrono::milliseconds(300));
  auto refused = late.get_future();
  ASSERT_EQ(refused.wait_for(std::chrono::seconds(3)), std::future_status::ready)
      << "the callback waited for the blocked commit";
  const Status status = refused.get();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(2'000));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE((**holder).rollback());
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(rows_for("3327015508900006"), 1);  // written once it could be
  EXPECT_EQ(calls.load(), 1);                 // and the callback was not called again
}

TEST_P(AuditWriterTest, ACallbackStillWaitingWhenTheWriterStopsIsTold) {
  // The log cannot be written (its table is gone), and the writer stops before the deadline.
  {
    auto c = db().connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE((**c).execute("ALTER TABLE audit_log RENAME TO audit_log_away"));
  }
  std::promise<Status> told;
  auto outcome = told.get_future();
  {
    AuditWriter writer(db());
    writer.record_all_then({{7, "operator", "read_person", "3327015508900007", ""}},
                           [&](Status status) { told.set_value(std::move(status)); }, std::chrono::minutes(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_NE(outcome.wait_for(std::chrono::seconds(0)), std::future_status::ready) << "told before its time";
  }
  ASSERT_EQ(outcome.wait_for(std::chrono::seconds(1)), std::future_status::ready) << "the callback was never called";
  const Status status = outcome.get();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AuditWriterTest);

}  // namespace
}  // namespace ektp::access
