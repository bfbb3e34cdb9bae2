// The back ends' failure modes as the interface promises them: lock timeouts and deadlocks are
// kAborted (and with_write_transaction retries them); a lost PostgreSQL connection is kUnavailable
// and the pool replaces it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/database.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::store {
namespace {

// Each case needs one particular back end, so these are plain tests rather than parameterised.
class FailureTest : public ::testing::Test {
 protected:
  // Opens a fresh database with two accounts; skips when the back end is not available here.
  void open(Backend backend) {
    if (auto reason = test::backend_unavailable_reason(backend)) GTEST_SKIP() << *reason;
    auto opened = test::open_test_database(backend);
    ASSERT_OK(opened);
    test_database_ = std::move(*opened);
    auto connection = db().connect();
    ASSERT_OK(connection);
    ASSERT_OK((*connection)
                  ->execute_script(
                      "CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL);"
                      "INSERT INTO accounts (id, balance) VALUES (1, 100);"
                      "INSERT INTO accounts (id, balance) VALUES (2, 100);"));
  }
  void TearDown() override { test_database_.reset(); }
  Database& db() { return test_database_->db(); }

 private:
  std::unique_ptr<test::TestDatabase> test_database_;
};

TEST_F(FailureTest, SQLiteWriterBlockedPastTheBusyTimeoutIsAborted) {
  open(Backend::kSQLite);
  if (IsSkipped() || HasFatalFailure()) return;
  auto first = db().connect();
  auto second = db().connect();
  ASSERT_OK(first);
  ASSERT_OK(second);
  ASSERT_OK((*first)->begin_write());
  EXPECT_ERROR((*second)->begin_write(), ErrorCode::kAborted, "locked");
  ASSERT_OK((*first)->rollback());
  ASSERT_OK((*second)->begin_write());
  ASSERT_OK((*second)->rollback());
}

// Moves 10 from `from` to `to`, locking `from` first; waits on `rendezvous` between the two
// locks on the first attempt so that two opposite transfers deadlock.
Result<int> transfer(Connection& c, std::int64_t from, std::int64_t to,
                     std::atomic<int>& rendezvous, std::atomic<int>& attempts) {
  bool first_attempt = attempts.fetch_add(1) < 2;
  auto locked = c.execute("SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", {from});
  if (!locked) return std::unexpected(locked.error());
  if (first_attempt) {
    rendezvous.fetch_add(1);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (rendezvous.load() < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  for (auto [id, delta] : {std::pair{from, -10}, std::pair{to, 10}}) {
    auto updated = c.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2",
                             {std::int64_t{delta}, id});
    if (!updated) return std::unexpected(updated.error());
  }
  return 0;
}

// SQLite cannot deadlock: BEGIN IMMEDIATE serialises writers up front.
TEST_F(FailureTest, PostgreSQLDeadlockIsAbortedAndRetried) {
  open(Backend::kPostgreSQL);
  if (IsSkipped() || HasFatalFailure()) return;
  std::atomic<int> rendezvous{0};
  std::atomic<int> attempts{0};
  Result<int> one = 0;
  Result<int> two = 0;
  std::thread a([&] {
    one = with_write_transaction<int>(
        db(), [&](Connection& c) { return transfer(c, 1, 2, rendezvous, attempts); });
  });
  std::thread b([&] {
    two = with_write_transaction<int>(
        db(), [&](Connection& c) { return transfer(c, 2, 1, rendezvous, attempts); });
  });
  a.join();
  b.join();
  ASSERT_OK(one);
  ASSERT_OK(two);
  // The deadlock victim ran again (at least 3 attempts in all); on a loaded machine its retry may
  // itself be aborted once more before it gets through, within the retry bound.
  EXPECT_GE(attempts.load(), 3);
  EXPECT_LE(attempts.load(), 6);
  auto connection = db().connect();
  ASSERT_OK(connection);
  auto total = (*connection)->execute("SELECT SUM(balance), MIN(balance) FROM accounts");
  ASSERT_OK(total);
  EXPECT_EQ(total->rows.at(0).integer(0), 200);
  EXPECT_EQ(total->rows.at(0).integer(1), 100);
}

TEST_F(FailureTest, PostgreSQLLostConnectionIsUnavailableAndReplaced) {
  open(Backend::kPostgreSQL);
  if (IsSkipped() || HasFatalFailure()) return;
  {
    auto victim = db().connect();
    auto killer = db().connect();
    ASSERT_OK(victim);
    ASSERT_OK(killer);
    auto pid = (*victim)->execute("SELECT pg_backend_pid()");
    ASSERT_OK(pid);
    ASSERT_OK((*killer)->execute("SELECT pg_terminate_backend($1)", {pid->rows.at(0).integer(0)}));
    Result<QueryResult> lost = make_error(ErrorCode::kInternal, "not run");
    // The server closes the socket asynchronously; the first statement after it fails.
    for (int i = 0; i < 50; ++i) {
      lost = (*victim)->execute("SELECT 1");
      if (!lost) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_ERROR(lost, ErrorCode::kUnavailable, "");
  }
  // The broken connection was not put back in the pool: every borrower gets a working one.
  for (int i = 0; i < 3; ++i) {
    auto connection = db().connect();
    ASSERT_OK(connection);
    EXPECT_OK((*connection)->execute("SELECT 1"));
  }
}

// Prepared statements are cached per connection; a schema change by another connection that
// changes a cached statement's result columns must not break it.
TEST_F(FailureTest, PostgreSQLCachedStatementSurvivesSchemaChange) {
  open(Backend::kPostgreSQL);
  if (IsSkipped() || HasFatalFailure()) return;
  auto reader = db().connect();
  auto changer = db().connect();
  ASSERT_OK(reader);
  ASSERT_OK(changer);
  const std::string sql = "SELECT * FROM accounts WHERE id = $1";
  auto before = (*reader)->execute(sql, {std::int64_t{1}});
  ASSERT_OK(before);
  EXPECT_EQ(before->columns.size(), 2u);
  ASSERT_OK((*changer)->execute_script("ALTER TABLE accounts ADD COLUMN owner TEXT DEFAULT 'x'"));
  auto after = (*reader)->execute(sql, {std::int64_t{1}});  // outside a transaction: re-prepared
  ASSERT_OK(after);
  EXPECT_EQ(after->columns.size(), 3u);
  ASSERT_OK((*changer)->execute_script("ALTER TABLE accounts ADD COLUMN note TEXT"));
  ASSERT_OK((*reader)->begin_write());
  // Inside a transaction the transaction is lost: kAborted, so with_write_transaction retries.
  EXPECT_ERROR((*reader)->execute(sql, {std::int64_t{1}}), ErrorCode::kAborted, "cached plan");
  ASSERT_OK((*reader)->rollback());
  auto retried = (*reader)->execute(sql, {std::int64_t{1}});
  ASSERT_OK(retried);
  EXPECT_EQ(retried->columns.size(), 4u);
}

}  // namespace
}  // namespace ektp::store
