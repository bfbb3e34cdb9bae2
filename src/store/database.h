// The storage interface: one SQL dialect over two real back ends, SQLite (embedded, WAL, durable
// commits) and PostgreSQL (libpq). SQL is written once with PostgreSQL-style placeholders $1, $2…;
// the SQLite back end binds them by name. Migrations may use the type tokens {BLOB} (BLOB/BYTEA),
// {ID} (an auto-increment 64-bit primary key) and {NOW_MS} (milliseconds since the epoch, as an
// expression), which each back end expands.
//
// Thread-safety: a Database is shared by all threads; it hands out Connections from a pool. A
// Connection is used by one thread at a time. No exception crosses this interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.h"

namespace ektp::store {

struct Null {};
struct Blob {
  std::vector<std::uint8_t> bytes;
};
// A parameter or a column value. Text is UTF-8. Integers are 64-bit.
using Value = std::variant<Null, std::int64_t, double, std::string, Blob>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  bool is_null(std::size_t column) const;
  // Conversions never throw: a NULL gives 0 / "" / empty; a text column holding a number is parsed.
  std::int64_t integer(std::size_t column) const;
  double real(std::size_t column) const;
  std::string text(std::size_t column) const;
  std::vector<std::uint8_t> blob(std::size_t column) const;
  const Value& value(std::size_t column) const { return values_.at(column); }

 private:
  std::vector<Value> values_;
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  std::int64_t rows_affected = 0;
};

enum class Backend { kSQLite, kPostgreSQL };

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;

  // Runs one statement with parameters. Errors: a unique/primary-key violation →
  // kAlreadyExists; a serialization failure, deadlock or SQLITE_BUSY past the busy timeout →
  // kAborted (retry the transaction); a lost connection → kUnavailable; anything else → kInternal
  // with the back end's message.
  virtual Result<QueryResult> execute(std::string_view sql, const std::vector<Value>& params = {}) = 0;

  // Runs one or more statements with no parameters (migrations).
  virtual Status execute_script(std::string_view sql) = 0;

  // Transactions. `begin_write` takes the write lock up front where the back end needs it
  // (SQLite: BEGIN IMMEDIATE) so that read-then-write transactions do not fail at commit.
  virtual Status begin_write() = 0;
  virtual Status begin_read() = 0;
  virtual Status commit() = 0;     // durable when it returns (SQLite synchronous=FULL in WAL)
  virtual Status rollback() = 0;
  virtual bool in_transaction() const = 0;

  // Runs `done` once the transaction in progress commits through with_write_transaction (never
  // when it rolls back): wakes whoever waits for what it wrote, such as the webhook worker for
  // new deliveries. Not thread-safe, like the connection itself.
  void after_commit(std::function<void()> done) { after_commit_.push_back(std::move(done)); }
  // Takes what after_commit() queued (the transaction's end runs or drops them).
  std::vector<std::function<void()>> take_after_commit() { return std::exchange(after_commit_, {}); }

  // Bulk-load helper: inserts many rows into one table as fast as the back end allows
  // (prepared statement reuse on SQLite, COPY or multi-row INSERT on PostgreSQL). Must be called
  // inside a transaction.
  virtual Status insert_rows(std::string_view table, const std::vector<std::string>& columns,
                             const std::vector<std::vector<Value>>& rows) = 0;

 private:
  std::vector<std::function<void()>> after_commit_;
};

class Database;

// A connection borrowed from the pool; returned when destroyed. An open transaction is rolled
// back on return, never committed.
class PooledConnection {
 public:
  PooledConnection(Database* owner, std::unique_ptr<Connection> connection);
  PooledConnection(PooledConnection&&) noexcept;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection();
  Connection& operator*() { return *connection_; }
  Connection* operator->() { return connection_.get(); }

 private:
  Database* owner_;
  std::unique_ptr<Connection> connection_;
};

class Database {
 public:
  virtual ~Database() = default;

  // Opens a database from a URL: "sqlite:PATH" (the file is created; ":memory:" is not allowed
  // because pooled connections would not share it), or "postgresql://…" / "postgres://…" (any
  // libpq URI). Does not migrate.
  static Result<std::unique_ptr<Database>> open(std::string_view url);

  virtual Backend backend() const = 0;
  // Borrows a connection (opening a new one if the pool is empty, up to a bounded count).
  virtual Result<PooledConnection> connect() = 0;
  virtual void give_back(std::unique_ptr<Connection> connection) = 0;
  // A description without secrets (no password), for logs.
  virtual std::string describe() const = 0;
};

// Runs `work` in a write transaction, retrying on kAborted up to `attempts` times. Commits when
// `work` returns success, rolls back otherwise.
template <class T>
Result<T> with_write_transaction(Database& db, const std::function<Result<T>(Connection&)>& work,
                                 int attempts = 5);

// Same for read-only work (a consistent snapshot).
template <class T>
Result<T> with_read_transaction(Database& db, const std::function<Result<T>(Connection&)>& work);

// Runs `work`, a single statement, outside any explicit transaction: the statement is its own
// snapshot, and the BEGIN and COMMIT of a read transaction are saved (the hot point lookups).
template <class T>
Result<T> with_single_read(Database& db, const std::function<Result<T>(Connection&)>& work);

}  // namespace ektp::store

#include "store/transaction_inl.h"
