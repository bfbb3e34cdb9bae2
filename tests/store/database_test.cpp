// Connection::execute and friends, the same cases on SQLite and PostgreSQL.
#include "store/database.h"

#include <gtest/gtest.h>

#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::store {
namespace {

using test::BackendTest;

class DatabaseTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto connection = db().connect();
    ASSERT_OK(connection);
    ASSERT_OK((*connection)
                  ->execute_script(
                      "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, price "
                      "DOUBLE "
                      "PRECISION, photo {BLOB}, note TEXT);"
                      "CREATE TABLE counters (id BIGINT PRIMARY KEY, value BIGINT NOT NULL);"));
  }

  std::int64_t count(Connection& connection, std::string_view table) {
    auto result = connection.execute("SELECT COUNT(*) FROM " + std::string(table));
    EXPECT_OK(result);
    return result ? result->rows.at(0).integer(0) : -1;
  }
};

Blob blob_with_zeros() {
  return Blob{{0x00, 0xff, 0x00, 0x7f, 0x80, 0x00, '\n', '\\', 0x00}};
}

TEST_P(DatabaseTest, EveryValueTypeRoundTrips) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  const std::string utf8 =
      "Ni Luh Putu Ayu Kadek \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x87\xAE\xF0\x9F\x87\xA9 \t\n\\";
  auto inserted =
      (*connection)
          ->execute("INSERT INTO items (id, name, price, photo, note) VALUES ($1, $2, $3, $4, $5)",
                    {std::int64_t{9'007'199'254'740'993}, utf8, 12345.678901234567,
                     blob_with_zeros(), Null{}});
  ASSERT_OK(inserted);
  EXPECT_EQ(inserted->rows_affected, 1);
  auto selected = (*connection)->execute("SELECT id, name, price, photo, note FROM items");
  ASSERT_OK(selected);
  ASSERT_EQ(selected->rows.size(), 1u);
  EXPECT_EQ(selected->columns, (std::vector<std::string>{"id", "name", "price", "photo", "note"}));
  const Row& row = selected->rows[0];
  EXPECT_EQ(row.integer(0), 9'007'199'254'740'993);
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(row.value(0)));
  EXPECT_EQ(row.text(1), utf8);
  EXPECT_DOUBLE_EQ(row.real(2), 12345.678901234567);
  EXPECT_TRUE(std::holds_alternative<double>(row.value(2)));
  EXPECT_EQ(row.blob(3), blob_with_zeros().bytes);
  EXPECT_TRUE(std::holds_alternative<Blob>(row.value(3)));
  EXPECT_TRUE(row.is_null(4));
  EXPECT_EQ(row.text(4), "");
  EXPECT_EQ(row.integer(4), 0);
}

TEST_P(DatabaseTest, ParametersRoundTripThroughSelect) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  auto selected =
      (*connection)
          ->execute("SELECT $1, $2, $3, $4, $5, $6",
                    {std::int64_t{-42}, 0.5, std::string("teks"), Blob{}, Null{}, Blob{{0, 1, 2}}});
  ASSERT_OK(selected);
  const Row& row = selected->rows.at(0);
  EXPECT_EQ(row.integer(0), -42);
  EXPECT_EQ(row.real(1), 0.5);
  EXPECT_EQ(row.text(2), "teks");
  // PostgreSQL types a bare `SELECT $1` as text; the accessors convert either way.
  EXPECT_TRUE(std::holds_alternative<Blob>(row.value(3)));  // empty, not NULL
  EXPECT_TRUE(row.blob(3).empty());
  EXPECT_TRUE(row.is_null(4));
  EXPECT_EQ(row.blob(5), (std::vector<std::uint8_t>{0, 1, 2}));
}

TEST_P(DatabaseTest, PlaceholdersMayRepeatAndComeOutOfOrder) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  ASSERT_OK((*connection)
                ->execute("INSERT INTO items (name, id, note, price) VALUES ($2, $1, $2, $3)",
                          {std::int64_t{7}, std::string("tujuh"), 7.5}));
  auto selected =
      (*connection)
          ->execute("SELECT id, name, note FROM items WHERE name = $2 AND note = $2 AND id = $1",
                    {std::int64_t{7}, std::string("tujuh")});
  ASSERT_OK(selected);
  ASSERT_EQ(selected->rows.size(), 1u);
  EXPECT_EQ(selected->rows[0].text(2), "tujuh");
}

TEST_P(DatabaseTest, MissingOrUnusedParameterIsAnError) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  EXPECT_FALSE((*connection)->execute("SELECT $1, $2", {std::int64_t{1}}).has_value());
  EXPECT_FALSE((*connection)->execute("SELECT $1", {std::int64_t{1}, std::int64_t{2}}).has_value());
}

TEST_P(DatabaseTest, TextWithNulByteIsRejected) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  EXPECT_ERROR((*connection)->execute("SELECT $1", {std::string("a\0b", 3)}),
               ErrorCode::kInvalidArgument, "NUL");
}

TEST_P(DatabaseTest, UniqueViolationIsAlreadyExistsAndWritesNothing) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  const std::string sql = "INSERT INTO items (id, name) VALUES ($1, $2)";
  ASSERT_OK((*connection)->execute(sql, {std::int64_t{1}, std::string("a")}));
  EXPECT_ERROR((*connection)->execute(sql, {std::int64_t{1}, std::string("b")}),
               ErrorCode::kAlreadyExists, "");
  EXPECT_ERROR((*connection)->execute(sql, {std::int64_t{2}, std::string("a")}),
               ErrorCode::kAlreadyExists, "");
  EXPECT_EQ(count(**connection, "items"), 1);

  // Inside a transaction: the error rolls back the work done before it.
  auto result = with_write_transaction<int>(db(), [&](Connection& c) -> Result<int> {
    if (auto ok = c.execute(sql, {std::int64_t{3}, std::string("c")}); !ok) {
      return std::unexpected(ok.error());
    }
    if (auto ok = c.execute(sql, {std::int64_t{4}, std::string("a")}); !ok) {
      return std::unexpected(ok.error());
    }
    return 0;
  });
  EXPECT_ERROR(result, ErrorCode::kAlreadyExists, "");
  EXPECT_EQ(count(**connection, "items"), 1);
}

TEST_P(DatabaseTest, SyntaxErrorIsInternalWithTheBackendsMessage) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  EXPECT_ERROR((*connection)->execute("SELEC 1"), ErrorCode::kInternal, "syntax error");
  EXPECT_ERROR((*connection)->execute_script("CREATE TABLE (x"), ErrorCode::kInternal,
               "syntax error");
  EXPECT_ERROR((*connection)->execute("SELECT * FROM no_such_table"), ErrorCode::kInternal,
               "no_such_table");
}

TEST_P(DatabaseTest, RollbackLeavesNothing) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  ASSERT_OK((*connection)->begin_write());
  EXPECT_TRUE((*connection)->in_transaction());
  ASSERT_OK((*connection)->execute("INSERT INTO items (id, name) VALUES (1, 'x')"));
  EXPECT_EQ(count(**connection, "items"), 1);
  ASSERT_OK((*connection)->rollback());
  EXPECT_FALSE((*connection)->in_transaction());
  EXPECT_EQ(count(**connection, "items"), 0);
}

TEST_P(DatabaseTest, ReturnedConnectionRollsBackItsOpenTransaction) {
  {
    auto connection = db().connect();
    ASSERT_OK(connection);
    ASSERT_OK((*connection)->begin_write());
    ASSERT_OK((*connection)->execute("INSERT INTO items (id, name) VALUES (1, 'x')"));
  }
  auto connection = db().connect();
  ASSERT_OK(connection);
  EXPECT_FALSE((*connection)->in_transaction());
  EXPECT_EQ(count(**connection, "items"), 0);
}

TEST_P(DatabaseTest, CommittedTransactionIsVisibleFromAnotherConnection) {
  auto writer = db().connect();
  auto reader = db().connect();
  ASSERT_OK(writer);
  ASSERT_OK(reader);
  ASSERT_OK((*writer)->begin_write());
  ASSERT_OK((*writer)->execute("INSERT INTO items (id, name) VALUES ($1, $2)",
                               {std::int64_t{1}, std::string("baru")}));
  EXPECT_EQ(count(**reader, "items"), 0);  // not yet committed
  ASSERT_OK((*writer)->commit());
  EXPECT_EQ(count(**reader, "items"), 1);
}

TEST_P(DatabaseTest, UpdateReportsRowsAffected) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  for (std::int64_t id = 1; id <= 3; ++id) {
    ASSERT_OK((*connection)
                  ->execute("INSERT INTO items (id, name) VALUES ($1, $2)",
                            {id, "n" + std::to_string(id)}));
  }
  auto updated = (*connection)
                     ->execute("UPDATE items SET note = $1 WHERE id >= $2",
                               {std::string("x"), std::int64_t{2}});
  ASSERT_OK(updated);
  EXPECT_EQ(updated->rows_affected, 2);
  auto selected = (*connection)->execute("SELECT id FROM items");
  ASSERT_OK(selected);
  EXPECT_EQ(selected->rows_affected, 0);
  EXPECT_EQ(selected->rows.size(), 3u);
}

TEST_P(DatabaseTest, ForUpdateIsAcceptedOnBothBackends) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  ASSERT_OK((*connection)->execute("INSERT INTO counters (id, value) VALUES (1, 5)"));
  ASSERT_OK((*connection)->begin_write());
  auto locked =
      (*connection)
          ->execute("SELECT value FROM counters WHERE id = $1 FOR UPDATE", {std::int64_t{1}});
  ASSERT_OK(locked);
  EXPECT_EQ(locked->rows.at(0).integer(0), 5);
  ASSERT_OK((*connection)->commit());
}

TEST_P(DatabaseTest, NowMsTokenIsMilliseconds) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  auto now = (*connection)->execute("SELECT {NOW_MS}");
  ASSERT_OK(now);
  std::int64_t now_ms = now->rows.at(0).integer(0);
  EXPECT_GT(now_ms, 1'700'000'000'000);  // after November 2023
  EXPECT_LT(now_ms, 4'100'000'000'000);  // before 2100
}

TEST_P(DatabaseTest, InsertRowsLoadsTenThousandRows) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  std::vector<std::vector<Value>> rows;
  for (std::int64_t i = 0; i < 10'000; ++i) {
    Value photo =
        i % 3 == 0 ? Value(Blob{{0, static_cast<std::uint8_t>(i % 256), 0}}) : Value(Null{});
    rows.push_back(
        {i, "nama\t" + std::to_string(i) + "\n\\", 0.25 * static_cast<double>(i), photo});
  }
  EXPECT_ERROR((*connection)->insert_rows("items", {"id", "name", "price", "photo"}, rows),
               ErrorCode::kFailedPrecondition, "transaction");
  ASSERT_OK((*connection)->begin_write());
  ASSERT_OK((*connection)->insert_rows("items", {"id", "name", "price", "photo"}, rows));
  ASSERT_OK((*connection)->commit());
  EXPECT_EQ(count(**connection, "items"), 10'000);
  auto row = (*connection)
                 ->execute("SELECT name, price, photo, note FROM items WHERE id = $1",
                           {std::int64_t{9'999}});
  ASSERT_OK(row);
  EXPECT_EQ(row->rows.at(0).text(0), "nama\t9999\n\\");
  EXPECT_DOUBLE_EQ(row->rows.at(0).real(1), 2499.75);
  EXPECT_EQ(row->rows.at(0).blob(2), (std::vector<std::uint8_t>{0, 9999 % 256, 0}));
  EXPECT_TRUE(row->rows.at(0).is_null(3));
}

TEST_P(DatabaseTest, InsertRowsIsAllOrNothing) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  ASSERT_OK((*connection)->execute("INSERT INTO items (id, name) VALUES (5, 'lima')"));
  std::vector<std::vector<Value>> rows;
  for (std::int64_t i = 1; i <= 10; ++i) rows.push_back({i, "n" + std::to_string(i)});
  ASSERT_OK((*connection)->begin_write());
  EXPECT_ERROR((*connection)->insert_rows("items", {"id", "name"}, rows), ErrorCode::kAlreadyExists,
               "");
  ASSERT_OK((*connection)->rollback());
  EXPECT_EQ(count(**connection, "items"), 1);
}

TEST_P(DatabaseTest, InsertRowsRejectsBadNamesAndWidths) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  ASSERT_OK((*connection)->begin_write());
  EXPECT_ERROR((*connection)->insert_rows("items; DROP TABLE items", {"id"}, {{std::int64_t{1}}}),
               ErrorCode::kInvalidArgument, "table");
  EXPECT_ERROR((*connection)->insert_rows("items", {"id", "name"}, {{std::int64_t{1}}}),
               ErrorCode::kInvalidArgument, "row 0");
  ASSERT_OK((*connection)->rollback());
}

TEST_P(DatabaseTest, ExecuteRunsOneStatementOnly) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  auto result = (*connection)->execute("SELECT 1; SELECT 2");
  ASSERT_FALSE(result.has_value());
  // SQLite's message is ours; PostgreSQL's says "cannot insert multiple commands…".
  EXPECT_NE(
      result.error().message.find(backend() == Backend::kSQLite ? "one statement" : "multiple"),
      std::string::npos)
      << result.error().message;
}

TEST_P(DatabaseTest, DescribeNamesTheBackend) {
  std::string description = db().describe();
  EXPECT_NE(description.find(backend() == Backend::kSQLite ? "sqlite" : "postgresql"),
            std::string::npos)
      << description;
  EXPECT_EQ(db().backend(), backend());
}

// Portable SQL the registry relies on: RETURNING for generated ids, ON CONFLICT for idempotency.
TEST_P(DatabaseTest, ReturningAndOnConflictWorkOnBoth) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  ASSERT_OK(
      (*connection)->execute_script("CREATE TABLE events (id {ID}, key TEXT NOT NULL UNIQUE)"));
  const std::string insert =
      "INSERT INTO events (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING id";
  auto first = (*connection)->execute(insert, {std::string("k1")});
  ASSERT_OK(first);
  ASSERT_EQ(first->rows.size(), 1u);
  EXPECT_EQ(first->rows[0].integer(0), 1);
  EXPECT_EQ(first->rows_affected, 1);
  auto second = (*connection)->execute(insert, {std::string("k2")});
  ASSERT_OK(second);
  EXPECT_EQ(second->rows.at(0).integer(0), 2);
  auto repeated = (*connection)->execute(insert, {std::string("k1")});
  ASSERT_OK(repeated);
  EXPECT_TRUE(repeated->rows.empty());
  EXPECT_EQ(repeated->rows_affected, 0);
}

TEST_P(DatabaseTest, AggregatesReadAsIntegers) {
  auto connection = db().connect();
  ASSERT_OK(connection);
  for (std::int64_t id = 1; id <= 4; ++id) {
    ASSERT_OK((*connection)
                  ->execute("INSERT INTO items (id, name, price) VALUES ($1, $2, $3)",
                            {id, "n" + std::to_string(id), 1.5}));
  }
  // PostgreSQL's SUM(bigint) is numeric, which arrives as text; integer() parses it.
  auto sums = (*connection)->execute("SELECT SUM(id), COUNT(*), SUM(price), MAX(name) FROM items");
  ASSERT_OK(sums);
  EXPECT_EQ(sums->rows.at(0).integer(0), 10);
  EXPECT_EQ(sums->rows.at(0).integer(1), 4);
  EXPECT_DOUBLE_EQ(sums->rows.at(0).real(2), 6.0);
  EXPECT_EQ(sums->rows.at(0).text(3), "n4");
}

EKTP_INSTANTIATE_FOR_BACKENDS(DatabaseTest);

}  // namespace
}  // namespace ektp::store
