// Database::open: URL dispatch and its errors; SQLite file settings; PostgreSQL describe().
#include <gtest/gtest.h>

#include <cstdlib>

#include "store/database.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::store {
namespace {

TEST(OpenTest, UnknownSchemeIsRejected) {
  EXPECT_ERROR(Database::open("mysql://x"), ErrorCode::kInvalidArgument, "mysql");
  EXPECT_ERROR(Database::open("registry.db"), ErrorCode::kInvalidArgument, "sqlite:PATH");
}

TEST(OpenTest, SQLiteNeedsAPath) {
  EXPECT_ERROR(Database::open("sqlite:"), ErrorCode::kInvalidArgument, "empty path");
  EXPECT_ERROR(Database::open("sqlite::memory:"), ErrorCode::kInvalidArgument, ":memory:");
}

TEST(OpenTest, SQLiteDirectoryMustExist) {
  EXPECT_ERROR(Database::open("sqlite:/nonexistent/dir/x.db"), ErrorCode::kInvalidArgument,
               "directory /nonexistent/dir does not exist");
}

TEST(OpenTest, PostgreSQLBadURLIsInvalidArgument) {
  EXPECT_ERROR(Database::open("postgresql://host/db?nosuchoption=1"), ErrorCode::kInvalidArgument,
               "nosuchoption");
}

TEST(OpenTest, PostgreSQLUnreachableIsUnavailable) {
  EXPECT_ERROR(Database::open("postgresql:///db?host=/nonexistent-socket-dir&port=1"),
               ErrorCode::kUnavailable, "cannot connect");
}

TEST(OpenTest, SQLiteFileIsInWALModeAndIntact) {
  auto test_database = test::open_test_database(Backend::kSQLite);
  ASSERT_OK(test_database);
  Database& db = (*test_database)->db();
  {
    auto connection = db.connect();
    ASSERT_OK(connection);
    ASSERT_OK(
        (*connection)->execute_script("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);"));
    auto mode = (*connection)->execute("PRAGMA journal_mode");
    ASSERT_OK(mode);
    EXPECT_EQ(mode->rows.at(0).text(0), "wal");
    auto synchronous = (*connection)->execute("PRAGMA synchronous");
    ASSERT_OK(synchronous);
    EXPECT_EQ(synchronous->rows.at(0).integer(0), 2);  // FULL
    auto foreign_keys = (*connection)->execute("PRAGMA foreign_keys");
    ASSERT_OK(foreign_keys);
    EXPECT_EQ(foreign_keys->rows.at(0).integer(0), 1);
    auto integrity = (*connection)->execute("PRAGMA integrity_check");
    ASSERT_OK(integrity);
    EXPECT_EQ(integrity->rows.at(0).text(0), "ok");
  }
  EXPECT_NE(db.describe().find((*test_database)->sqlite_path()), std::string::npos);
  // Reopening the file works and sees the data.
  auto again = Database::open((*test_database)->url());
  ASSERT_OK(again);
  auto connection = (*again)->connect();
  ASSERT_OK(connection);
  auto rows = (*connection)->execute("SELECT x FROM t");
  ASSERT_OK(rows);
  EXPECT_EQ(rows->rows.size(), 1u);
}

TEST(OpenTest, PostgreSQLDescribeHidesThePassword) {
  if (auto reason = test::backend_unavailable_reason(Backend::kPostgreSQL)) GTEST_SKIP() << *reason;
  // The test server trusts every local login, so the password is accepted and ignored.
  std::string url = std::string(std::getenv("EKTP_TEST_POSTGRES")) + "&password=s3cr3t-sandi";
  auto db = Database::open(url);
  ASSERT_OK(db);
  std::string description = (*db)->describe();
  EXPECT_EQ(description.find("s3cr3t"), std::string::npos) << description;
  EXPECT_NE(description.find("postgres"), std::string::npos) << description;
  EXPECT_EQ((*db)->backend(), Backend::kPostgreSQL);
}

}  // namespace
}  // namespace ektp::store
