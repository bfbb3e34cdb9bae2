// Fresh, empty databases for tests, on either back end, removed when the test ends.
//   SQLite: a new file in a new temporary directory.
//   PostgreSQL: CREATE DATABASE ektp_test_<random> on the server named by EKTP_TEST_POSTGRES
//   (`make test` starts a private server and sets it), dropped afterwards.
// Run the same suite on both with BackendTest + EKTP_INSTANTIATE_FOR_BACKENDS(Suite). Without
// EKTP_TEST_POSTGRES the PostgreSQL cases are skipped with a message saying so.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "store/database.h"

namespace ektp::test {

class TestDatabase {
 public:
  // Errors: kUnavailable when the back end is not configured here; whatever creating it returns.
  static Result<std::unique_ptr<TestDatabase>> create(store::Backend backend);
  ~TestDatabase();  // closes the Database, then removes the file or drops the database
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  store::Database& db() { return *db_; }
  // Closes the Database (every pooled connection), as a process that stops would; the data stays.
  void close() { db_.reset(); }
  // Opens the same data again (after close(), or in place of the open Database: a restart).
  Status reopen();
  // The URL, to open a second Database on the same data (as a second process would).
  const std::string& url() const { return url_; }
  store::Backend backend() const { return backend_; }
  // The SQLite file (empty for PostgreSQL).
  const std::string& sqlite_path() const { return sqlite_path_; }

 private:
  TestDatabase() = default;
  store::Backend backend_ = store::Backend::kSQLite;
  std::string url_;
  std::string sqlite_path_;
  std::string temp_directory_;  // SQLite
  std::string postgres_name_;   // PostgreSQL
  std::unique_ptr<store::Database> db_;
};

Result<std::unique_ptr<TestDatabase>> open_test_database(store::Backend backend);

// Why `backend` cannot be tested in this environment, or nullopt when it can.
std::optional<std::string> backend_unavailable_reason(store::Backend backend);

// "SQLite" / "PostgreSQL", for test names.
std::string backend_name(const ::testing::TestParamInfo<store::Backend>& info);

// A value-parameterised fixture that gives each test a fresh database (skips when unavailable).
class BackendTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override;
  void TearDown() override { test_database_.reset(); }
  store::Database& db() { return test_database_->db(); }
  TestDatabase& test_database() { return *test_database_; }
  store::Backend backend() const { return GetParam(); }

 private:
  std::unique_ptr<TestDatabase> test_database_;
};

}  // namespace ektp::test

#define EKTP_INSTANTIATE_FOR_BACKENDS(suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(                                                                    \
      Backends, suite,                                                                         \
      ::testing::Values(::ektp::store::Backend::kSQLite, ::ektp::store::Backend::kPostgreSQL), \
      ::ektp::test::backend_name)
