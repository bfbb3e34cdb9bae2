// Internal to src/store: one SQLite connection (WAL, synchronous=FULL, foreign keys, busy
// timeout) with a small prepared-statement cache. Used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ektp::store::detail {

class SQLiteConnection final : public Connection {
 public:
  // Errors: kInternal when SQLite cannot open the file or set WAL mode.
  static Result<std::unique_ptr<SQLiteConnection>> open(const std::string& path);
  ~SQLiteConnection() override;

  Backend backend() const override { return Backend::kSQLite; }
  Result<QueryResult> execute(std::string_view sql, const std::vector<Value>& params) override;
  Status execute_script(std::string_view sql) override;
  Status begin_write() override;
  Status begin_read() override;
  Status commit() override;
  Status rollback() override;
  bool in_transaction() const override;
  Status insert_rows(std::string_view table, const std::vector<std::string>& columns,
                     const std::vector<std::vector<Value>>& rows) override;

 private:
  explicit SQLiteConnection(sqlite3* db) : db_(db) {}
  // The cached statement for `sql`, prepared on first use.
  Result<sqlite3_stmt*> prepare_cached(std::string_view sql);
  Status bind_all(sqlite3_stmt* statement, const std::vector<Value>& params);
  Result<QueryResult> step_all(sqlite3_stmt* statement);
  Status simple(const char* sql);
  // One cached statement without parameters or rows (BEGIN, COMMIT, ROLLBACK).
  Status control(std::string_view sql);
  Status insert_each(const std::string& sql, std::size_t width,
                     const std::vector<std::vector<Value>>& rows);
  // The Error for SQLite result code `rc`, with the connection's message.
  Error error_for(int rc, std::string_view context) const;
  void clear_statement_cache();

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace ektp::store::detail
