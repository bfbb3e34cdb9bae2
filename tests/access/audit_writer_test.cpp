// The read audit: a record is committed before the read it describes is served, and when it
// cannot be written (another process holds the write lock) the caller is told so in time.
#include <gtest/gtest.h>

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

EKTP_INSTANTIATE_FOR_BACKENDS(AuditWriterTest);

}  // namespace
}  // namespace ektp::access
