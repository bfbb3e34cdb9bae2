#include "store/sqlite_connection.h"

#include <sqlite3.h>

#include <charconv>

#include "core/assert.h"
#include "store/dialect.h"
#include "store/store_limits.h"

namespace ektp::store::detail {
namespace {

// Resets a statement and drops its bindings when the scope ends, whatever happened.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementReset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  sqlite3_stmt* statement_;
};

Value column_value(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER: return std::int64_t{sqlite3_column_int64(statement, column)};
    case SQLITE_FLOAT: return sqlite3_column_double(statement, column);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      int size = sqlite3_column_bytes(statement, column);
      return std::string(text == nullptr ? "" : text, static_cast<std::size_t>(size));
    }
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement, column));
      int size = sqlite3_column_bytes(statement, column);
      if (bytes == nullptr) return Blob{};
      return Blob{std::vector<std::uint8_t>(bytes, bytes + size)};
    }
    default: return Null{};
  }
}

// The N of a "$N" parameter name, or 0.
std::size_t parameter_number(const char* name) {
  if (name == nullptr || name[0] != '$') return 0;
  std::string_view digits(name + 1);
  std::size_t number = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size()) return 0;
  return number;
}

int bind_value(sqlite3_stmt* statement, int index, const Value& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    return sqlite3_bind_int64(statement, index, *integer);
  }
  if (const auto* real = std::get_if<double>(&value)) {
    return sqlite3_bind_double(statement, index, *real);
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    // The parameters outlive the statement's use; bindings are cleared before returning.
    return sqlite3_bind_text64(statement, index, text->data(), text->size(), SQLITE_STATIC,
                               SQLITE_UTF8);
  }
  if (const auto* blob = std::get_if<Blob>(&value)) {
    // A null pointer would bind NULL, so an empty blob needs zeroblob.
    if (blob->bytes.empty()) return sqlite3_bind_zeroblob(statement, index, 0);
    return sqlite3_bind_blob64(statement, index, blob->bytes.data(), blob->bytes.size(),
                               SQLITE_STATIC);
  }
  return sqlite3_bind_null(statement, index);
}

Status check_text_params(const std::vector<Value>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto* text = std::get_if<std::string>(&params[i]);
    if (text != nullptr && contains_nul(*text)) {
      return invalid_argument("parameter $" + std::to_string(i + 1) +
                              " is text with a NUL byte; store it as a Blob");
    }
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<SQLiteConnection>> SQLiteConnection::open(const std::string& path) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return make_error(ErrorCode::kInternal, "sqlite: cannot open " + path + ": " + message);
  }
  auto connection = std::unique_ptr<SQLiteConnection>(new SQLiteConnection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(tunables::sqlite_busy_timeout_ms));
  // WAL lets readers run beside the one writer; FULL syncs the WAL on every commit, so a commit
  // that returned survives a power cut.
  auto mode = connection->execute("PRAGMA journal_mode=WAL", {});
  if (!mode) return std::unexpected(mode.error());
  if (mode->rows.empty() || mode->rows[0].text(0) != "wal") {
    return make_error(ErrorCode::kInternal, "sqlite: " + path + " cannot use WAL mode");
  }
  const std::string cache = "PRAGMA cache_size=-" + std::to_string(tunables::sqlite_cache_kib);
  for (const char* pragma : {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", cache.c_str()}) {
    if (Status set = connection->simple(pragma); !set) return std::unexpected(set.error());
  }
  return connection;
}

SQLiteConnection::~SQLiteConnection() {
  clear_statement_cache();
  sqlite3_close_v2(db_);
}

void SQLiteConnection::clear_statement_cache() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  statements_.clear();
}

Error SQLiteConnection::error_for(int rc, std::string_view context) const {
  std::string message = "sqlite: " + std::string(context) + sqlite3_errmsg(db_);
  int primary = rc & 0xff;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error{ErrorCode::kAlreadyExists, message};
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return Error{ErrorCode::kAborted, message};
  return Error{ErrorCode::kInternal, message};
}

Result<sqlite3_stmt*> SQLiteConnection::prepare_cached(std::string_view sql) {
  std::string key(sql);
  if (auto found = statements_.find(key); found != statements_.end()) return found->second;
  std::string rewritten = strip_for_update(expand_tokens(sql, Backend::kSQLite));
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, rewritten.c_str(), static_cast<int>(rewritten.size()),
                              SQLITE_PREPARE_PERSISTENT, &statement, &tail);
  if (rc != SQLITE_OK) return std::unexpected(error_for(rc, ""));
  if (statement == nullptr) return invalid_argument("sqlite: empty statement");
  std::string_view rest(tail, rewritten.data() + rewritten.size() - tail);
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    sqlite3_finalize(statement);
    return invalid_argument("execute runs one statement; use execute_script for several");
  }
  if (statements_.size() >= tunables::sqlite_statement_cache_max) clear_statement_cache();
  statements_.emplace(std::move(key), statement);
  return statement;
}

Status SQLiteConnection::bind_all(sqlite3_stmt* statement, const std::vector<Value>& params) {
  if (Status checked = check_text_params(params); !checked) return checked;
  int count = sqlite3_bind_parameter_count(statement);
  std::vector<bool> used(params.size(), false);
  for (int index = 1; index <= count; ++index) {
    const char* name = sqlite3_bind_parameter_name(statement, index);
    std::size_t number = parameter_number(name);
    if (number == 0) {
      return invalid_argument("use $1, $2… placeholders, not " + std::string(name ? name : "?"));
    }
    if (number > params.size()) {
      return invalid_argument("statement uses $" + std::to_string(number) + " but only " +
                              std::to_string(params.size()) + " parameters were given");
    }
    used[number - 1] = true;
    int rc = bind_value(statement, index, params[number - 1]);
    if (rc != SQLITE_OK) return std::unexpected(error_for(rc, "bind: "));
  }
  for (std::size_t i = 0; i < used.size(); ++i) {
    // PostgreSQL rejects a parameter it cannot place, so SQLite does too: same SQL, same answer.
    if (!used[i]) return invalid_argument("parameter $" + std::to_string(i + 1) + " is not used");
  }
  return {};
}

Result<QueryResult> SQLiteConnection::step_all(sqlite3_stmt* statement) {
  QueryResult result;
  int columns = sqlite3_column_count(statement);
  result.columns.reserve(static_cast<std::size_t>(columns));
  for (int c = 0; c < columns; ++c) result.columns.emplace_back(sqlite3_column_name(statement, c));
  while (true) {
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return std::unexpected(error_for(rc, ""));
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) values.push_back(column_value(statement, c));
    result.rows.emplace_back(std::move(values));
  }
  if (!sqlite3_stmt_readonly(statement)) result.rows_affected = sqlite3_changes64(db_);
  return result;
}

Result<QueryResult> SQLiteConnection::execute(std::string_view sql,
                                              const std::vector<Value>& params) {
  if (params.size() > tunables::statement_params_max) {
    return invalid_argument("too many parameters: " + std::to_string(params.size()));
  }
  Result<sqlite3_stmt*> statement = prepare_cached(sql);
  if (!statement) return std::unexpected(statement.error());
  StatementReset reset(*statement);
  if (Status bound = bind_all(*statement, params); !bound) return std::unexpected(bound.error());
  return step_all(*statement);
}

Status SQLiteConnection::simple(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  sqlite3_free(message);  // sqlite3_errmsg still holds the same text
  return std::unexpected(error_for(rc, ""));
}

Status SQLiteConnection::execute_script(std::string_view sql) {
  // The schema may change under cached statements; SQLite re-prepares them, but start clean.
  clear_statement_cache();
  std::string rewritten = strip_for_update(expand_tokens(sql, Backend::kSQLite));
  return simple(rewritten.c_str());
}

Status SQLiteConnection::control(std::string_view sql) {
  // Transaction control runs on every request: prepared once per connection, not parsed each time.
  Result<sqlite3_stmt*> statement = prepare_cached(sql);
  if (!statement) return std::unexpected(statement.error());
  StatementReset reset(*statement);
  int rc = sqlite3_step(*statement);
  if (rc != SQLITE_DONE) return std::unexpected(error_for(rc, ""));
  return {};
}

Status SQLiteConnection::begin_write() {
  return control("BEGIN IMMEDIATE");
}
Status SQLiteConnection::begin_read() {
  return control("BEGIN DEFERRED");
}
Status SQLiteConnection::commit() {
  return control("COMMIT");
}
Status SQLiteConnection::rollback() {
  return control("ROLLBACK");
}
bool SQLiteConnection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

Status SQLiteConnection::insert_rows(std::string_view table,
                                     const std::vector<std::string>& columns,
                                     const std::vector<std::vector<Value>>& rows) {
  if (!in_transaction()) return failed_precondition("insert_rows must run inside a transaction");
  if (!is_identifier(table)) return invalid_argument("bad table name: " + std::string(table));
  if (columns.empty()) return invalid_argument("insert_rows needs at least one column");
  std::string sql = "INSERT INTO " + std::string(table) + " (";
  std::string values;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!is_identifier(columns[i])) return invalid_argument("bad column name: " + columns[i]);
    sql += (i ? ", " : "") + columns[i];
    values += (i ? ", $" : "$") + std::to_string(i + 1);
  }
  sql += ") VALUES (" + values + ")";
  // A savepoint makes the load all-or-nothing, as COPY is on PostgreSQL.
  if (Status saved = control("SAVEPOINT ektp_insert_rows"); !saved) return saved;
  Status loaded = insert_each(sql, columns.size(), rows);
  if (!loaded) {
    (void)control("ROLLBACK TO ektp_insert_rows");
  }
  if (Status released = control("RELEASE ektp_insert_rows"); !released && loaded) return released;
  return loaded;
}

Status SQLiteConnection::insert_each(const std::string& sql, std::size_t width,
                                     const std::vector<std::vector<Value>>& rows) {
  Result<sqlite3_stmt*> statement = prepare_cached(sql);
  if (!statement) return std::unexpected(statement.error());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != width) {
      return invalid_argument("row " + std::to_string(r) + " has " +
                              std::to_string(rows[r].size()) + " values for " +
                              std::to_string(width) + " columns");
    }
    StatementReset reset(*statement);
    if (Status bound = bind_all(*statement, rows[r]); !bound) return bound;
    int rc = sqlite3_step(*statement);
    if (rc != SQLITE_DONE) return std::unexpected(error_for(rc, "row " + std::to_string(r) + ": "));
  }
  return {};
}

}  // namespace ektp::store::detail
