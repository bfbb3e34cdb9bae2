// with_write_transaction / with_read_transaction and concurrency, on both back ends.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/database.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::store {
namespace {

class TransactionTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto connection = db().connect();
    ASSERT_OK(connection);
    ASSERT_OK(
        (*connection)
            ->execute_script("CREATE TABLE counters (id BIGINT PRIMARY KEY, value BIGINT NOT NULL);"
                             "INSERT INTO counters (id, value) VALUES (1, 0);"
                             "CREATE TABLE notes (id {ID}, body TEXT NOT NULL);"));
  }

  std::int64_t counter() {
    auto value =
        with_read_transaction<std::int64_t>(db(), [](Connection& c) -> Result<std::int64_t> {
          auto result = c.execute("SELECT value FROM counters WHERE id = 1");
          if (!result) return std::unexpected(result.error());
          return result->rows.at(0).integer(0);
        });
    EXPECT_OK(value);
    return value.value_or(-1);
  }

  std::int64_t notes() {
    auto connection = db().connect();
    EXPECT_OK(connection);
    auto result = (*connection)->execute("SELECT COUNT(*) FROM notes");
    EXPECT_OK(result);
    return result ? result->rows.at(0).integer(0) : -1;
  }
};

Result<std::int64_t> increment(Connection& c) {
  auto current =
      c.execute("SELECT value FROM counters WHERE id = $1 FOR UPDATE", {std::int64_t{1}});
  if (!current) return std::unexpected(current.error());
  std::int64_t next = current->rows.at(0).integer(0) + 1;
  auto updated = c.execute("UPDATE counters SET value = $1 WHERE id = $2", {next, std::int64_t{1}});
  if (!updated) return std::unexpected(updated.error());
  return next;
}

TEST_P(TransactionTest, CommitsOnSuccess) {
  auto result = with_write_transaction<std::int64_t>(db(), increment);
  ASSERT_OK(result);
  EXPECT_EQ(*result, 1);
  EXPECT_EQ(counter(), 1);
}

TEST_P(TransactionTest, RollsBackOnError) {
  auto result = with_write_transaction<int>(db(), [](Connection& c) -> Result<int> {
    if (auto ok = c.execute("INSERT INTO notes (body) VALUES ('lost')"); !ok) {
      return std::unexpected(ok.error());
    }
    return failed_precondition("the person is deceased");
  });
  EXPECT_ERROR(result, ErrorCode::kFailedPrecondition, "deceased");
  EXPECT_EQ(notes(), 0);
}

TEST_P(TransactionTest, VoidWorkIsSupported) {
  Status result = with_write_transaction<void>(db(), [](Connection& c) -> Status {
    auto ok = c.execute("INSERT INTO notes (body) VALUES ('ada')");
    if (!ok) return std::unexpected(ok.error());
    return {};
  });
  ASSERT_OK(result);
  EXPECT_EQ(notes(), 1);
}

TEST_P(TransactionTest, AfterCommitRunsOnceCommittedAndNeverAfterARollback) {
  int woken = 0;
  std::int64_t seen_by_the_callback = -1;
  ASSERT_OK(with_write_transaction<void>(db(), [&](Connection& c) -> Status {
    EKTP_RETURN_IF_ERROR(c.execute("INSERT INTO notes (body) VALUES ('kelahiran')"));
    c.after_commit([&] {
      ++woken;
      seen_by_the_callback = notes();  // what the transaction wrote is visible by then
    });
    EXPECT_EQ(woken, 0) << "not before the commit";
    return {};
  }));
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(seen_by_the_callback, 1);
  // Rolled back, or retried: the callbacks of a failed attempt are dropped.
  int attempts = 0;
  auto failed = with_write_transaction<void>(db(), [&](Connection& c) -> Status {
    c.after_commit([&] { ++woken; });
    if (++attempts < 2) return make_error(ErrorCode::kAborted, "simulated serialization failure");
    return failed_precondition("the person is deceased");
  });
  EXPECT_FALSE(failed.has_value());
  EXPECT_EQ(woken, 1);
  // The connection goes back to the pool with nothing left over for the next transaction.
  ASSERT_OK(with_write_transaction<void>(db(), [&](Connection&) -> Status { return {}; }));
  EXPECT_EQ(woken, 1);
}

TEST_P(TransactionTest, RetriesOnAbortedAndDiscardsTheFailedAttempts) {
  int calls = 0;
  auto result = with_write_transaction<int>(db(), [&](Connection& c) -> Result<int> {
    ++calls;
    if (auto ok =
            c.execute("INSERT INTO notes (body) VALUES ($1)", {"attempt " + std::to_string(calls)});
        !ok) {
      return std::unexpected(ok.error());
    }
    if (calls < 3) return make_error(ErrorCode::kAborted, "simulated serialization failure");
    return calls;
  });
  ASSERT_OK(result);
  EXPECT_EQ(*result, 3);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(notes(), 1);
}

TEST_P(TransactionTest, GivesUpAfterTheAttempts) {
  int calls = 0;
  auto result = with_write_transaction<int>(
      db(),
      [&](Connection&) -> Result<int> {
        ++calls;
        return make_error(ErrorCode::kAborted, "always loses");
      },
      4);
  EXPECT_ERROR(result, ErrorCode::kAborted, "always loses");
  EXPECT_EQ(calls, 4);
}

TEST_P(TransactionTest, OtherErrorsAreNotRetried) {
  int calls = 0;
  auto result = with_write_transaction<int>(db(), [&](Connection&) -> Result<int> {
    ++calls;
    return make_error(ErrorCode::kAlreadyExists, "duplicate NIK");
  });
  EXPECT_ERROR(result, ErrorCode::kAlreadyExists, "duplicate");
  EXPECT_EQ(calls, 1);
}

TEST_P(TransactionTest, ConcurrentIncrementsLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        auto result = with_write_transaction<std::int64_t>(db(), increment, 20);
        if (!result) {
          ADD_FAILURE() << result.error().message;
          failures++;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(counter(), kThreads * kIncrements);
}

TEST_P(TransactionTest, ReadTransactionSeesASnapshot) {
  auto seen = with_read_transaction<std::int64_t>(db(), [&](Connection& c) -> Result<std::int64_t> {
    auto first = c.execute("SELECT value FROM counters WHERE id = 1");
    if (!first) return std::unexpected(first.error());
    // Another connection commits meanwhile; the snapshot must not move.
    auto other = with_write_transaction<std::int64_t>(db(), increment);
    if (!other) return std::unexpected(other.error());
    auto second = c.execute("SELECT value FROM counters WHERE id = 1");
    if (!second) return std::unexpected(second.error());
    return second->rows.at(0).integer(0) - first->rows.at(0).integer(0);
  });
  ASSERT_OK(seen);
  EXPECT_EQ(*seen, 0);
  EXPECT_EQ(counter(), 1);
}

EKTP_INSTANTIATE_FOR_BACKENDS(TransactionTest);

}  // namespace
}  // namespace ektp::store
