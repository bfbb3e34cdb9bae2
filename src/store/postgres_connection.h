// Internal to src/store: one libpq connection. Statements are prepared once per connection and
// cached; parameters are sent as text (blobs as binary bytea), results are read as text and
// decoded by column type. Used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/database.h"
#include "store/postgres_values.h"

struct pg_conn;
struct pg_result;

namespace ektp::store::detail {

class PostgresConnection final : public Connection {
 public:
  // Errors: kUnavailable when the server cannot be reached or refuses the login.
  static Result<std::unique_ptr<PostgresConnection>> open(const std::string& url);
  ~PostgresConnection() override;

  Backend backend() const override { return Backend::kPostgreSQL; }
  Result<QueryResult> execute(std::string_view sql, const std::vector<Value>& params) override;
  Status execute_script(std::string_view sql) override;
  Status begin_write() override;
  Status begin_read() override;
  Status commit() override;
  Status rollback() override;
  bool in_transaction() const override;
  Status insert_rows(std::string_view table, const std::vector<std::string>& columns,
                     const std::vector<std::vector<Value>>& rows) override;

  // False once the connection is lost or stuck mid-protocol; the pool then closes it.
  bool healthy() const;

 private:
  explicit PostgresConnection(pg_conn* connection) : connection_(connection) {}
  // The mapped error when `result` (still owned by the caller) failed.
  Status check(const pg_result* result, std::string_view context) const;
  Status simple(const char* sql);
  Status copy_in(const std::string& copy_sql, const std::vector<std::vector<Value>>& rows,
                 std::size_t width);

  // Runs through a statement prepared once per connection (the plan is reused), or unprepared
  // when the cache is full.
  Result<QueryResult> execute_prepared(std::string_view sql, const EncodedParams& encoded);
  bool is_stale_plan(const pg_result* result) const;
  void forget_statement(const std::string& name);

  pg_conn* connection_;
  std::unordered_map<std::string, std::string> statements_;  // SQL + parameter kinds → name
  std::uint64_t next_statement_ = 0;
};

}  // namespace ektp::store::detail
