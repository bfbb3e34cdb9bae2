#include "store/postgres_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/assert.h"
#include "store/dialect.h"
#include "store/postgres_values.h"
#include "store/store_limits.h"

namespace ektp::store::detail {
namespace {

// Frees a PGresult when the scope ends.
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* text) {
  std::string out = text == nullptr ? "" : text;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

ErrorCode code_for_state(std::string_view state) {
  if (state == "23505") return ErrorCode::kAlreadyExists;
  if (state == "40001" || state == "40P01" || state == "55P03") return ErrorCode::kAborted;
  if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kInternal;
}

}  // namespace

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::open(const std::string& url) {
  // Defaults first: values given in the URL override them.
  std::string timeout = std::to_string(tunables::postgres_connect_timeout_s);
  const char* keywords[] = {"connect_timeout", "client_encoding", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "UTF8", url.c_str(), nullptr};
  PGconn* connection = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (connection == nullptr) return make_error(ErrorCode::kInternal, "postgresql: out of memory");
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(connection));
    PQfinish(connection);
    return make_error(ErrorCode::kUnavailable, "postgresql: cannot connect: " + message);
  }
  auto opened = std::unique_ptr<PostgresConnection>(new PostgresConnection(connection));
  // Our messages are for logs, not for the terminal of whoever runs the server.
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  return opened;
}

PostgresConnection::~PostgresConnection() {
  PQfinish(connection_);
}

bool PostgresConnection::healthy() const {
  if (PQstatus(connection_) != CONNECTION_OK) return false;
  PGTransactionStatusType state = PQtransactionStatus(connection_);
  return state == PQTRANS_IDLE || state == PQTRANS_INTRANS || state == PQTRANS_INERROR;
}

Status PostgresConnection::check(const PGresult* result, std::string_view context) const {
  if (result == nullptr) {
    return make_error(
        PQstatus(connection_) == CONNECTION_BAD ? ErrorCode::kUnavailable : ErrorCode::kInternal,
        "postgresql: " + std::string(context) + trimmed(PQerrorMessage(connection_)));
  }
  ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return {};
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  ErrorCode code = state != nullptr ? code_for_state(state) : ErrorCode::kInternal;
  if (PQstatus(connection_) == CONNECTION_BAD) code = ErrorCode::kUnavailable;
  std::string message = trimmed(PQresultErrorMessage(result));
  if (message.starts_with("ERROR:  ")) message.erase(0, 8);
  return make_error(code, "postgresql: " + std::string(context) + message +
                              (state != nullptr ? " (SQLSTATE " + std::string(state) + ")" : ""));
}

Result<QueryResult> PostgresConnection::execute(std::string_view sql,
                                                const std::vector<Value>& params) {
  if (params.size() > tunables::statement_params_max) {
    return invalid_argument("too many parameters: " + std::to_string(params.size()));
  }
  if (Status placed = check_placeholders(sql, params.size()); !placed) {
    return std::unexpected(placed.error());
  }
  Result<EncodedParams> encoded = encode_params(params);
  if (!encoded) return std::unexpected(encoded.error());
  bool in_transaction_before = in_transaction();
  Result<QueryResult> result = execute_prepared(sql, *encoded);
  if (!result && result.error().code == ErrorCode::kAborted && !in_transaction_before &&
      result.error().message.find("cached plan") != std::string::npos) {
    result = execute_prepared(sql, *encoded);  // re-prepared against the new schema
  }
  return result;
}

Result<QueryResult> PostgresConnection::execute_prepared(std::string_view sql,
                                                         const EncodedParams& encoded) {
  // The cache key holds the parameter types too: a Blob is typed bytea, all else is untyped.
  std::string key(sql);
  key.push_back('\0');
  for (unsigned int type : encoded.types) key.push_back(type == 0 ? 'u' : 'b');
  int count = static_cast<int>(encoded.types.size());
  auto found = statements_.find(key);
  if (found == statements_.end() && statements_.size() < tunables::postgres_statement_cache_max) {
    std::string name = "ektp_" + std::to_string(next_statement_++);
    std::string rewritten = expand_tokens(sql, Backend::kPostgreSQL);
    ResultPtr prepared(
        PQprepare(connection_, name.c_str(), rewritten.c_str(), count, encoded.types.data()));
    if (Status checked = check(prepared.get(), ""); !checked) {
      return std::unexpected(checked.error());
    }
    found = statements_.emplace(std::move(key), std::move(name)).first;
  }
  ResultPtr result;
  if (found != statements_.end()) {
    result.reset(PQexecPrepared(connection_, found->second.c_str(), count, encoded.values.data(),
                                encoded.lengths.data(), encoded.formats.data(), /*text=*/0));
  } else {  // cache full (SQL built on the fly?): plan it every time
    std::string rewritten = expand_tokens(sql, Backend::kPostgreSQL);
    result.reset(PQexecParams(connection_, rewritten.c_str(), count, encoded.types.data(),
                              encoded.values.data(), encoded.lengths.data(), encoded.formats.data(),
                              /*text=*/0));
  }
  if (Status checked = check(result.get(), ""); !checked) {
    // A schema change made the cached plan stale (SQLSTATE 0A000 "cached plan must not change
    // result type"): forget it, and let the caller's transaction be retried.
    if (found != statements_.end() && is_stale_plan(result.get())) {
      forget_statement(found->second);
      statements_.erase(found);
      return make_error(ErrorCode::kAborted, checked.error().message);
    }
    return std::unexpected(checked.error());
  }
  return decode_result(result.get());
}

bool PostgresConnection::is_stale_plan(const PGresult* result) const {
  if (result == nullptr) return false;
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  return state != nullptr && std::string_view(state) == "0A000" && message != nullptr &&
         std::string_view(message).find("cached plan") != std::string_view::npos;
}

void PostgresConnection::forget_statement(const std::string& name) {
  // Outside a failed transaction the statement can be dropped now; inside one, DEALLOCATE would
  // fail too, and the unused name is harmless (names are never reused).
  if (PQtransactionStatus(connection_) == PQTRANS_INERROR) return;
  ResultPtr dropped(PQexec(connection_, ("DEALLOCATE " + name).c_str()));
}

Status PostgresConnection::simple(const char* sql) {
  ResultPtr result(PQexec(connection_, sql));
  return check(result.get(), "");
}

Status PostgresConnection::execute_script(std::string_view sql) {
  // The script may change the schema under this connection's prepared statements. Dropping them
  // here covers this connection only; others re-prepare when the server reports a stale plan.
  if (!statements_.empty() && PQtransactionStatus(connection_) != PQTRANS_INERROR) {
    if (Status dropped = simple("DEALLOCATE ALL"); !dropped) return dropped;
    statements_.clear();
  }
  std::string rewritten = expand_tokens(sql, Backend::kPostgreSQL);
  return simple(rewritten.c_str());
}

Status PostgresConnection::begin_write() {
  return simple("BEGIN ISOLATION LEVEL READ COMMITTED");
}

Status PostgresConnection::begin_read() {
  return simple("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

Status PostgresConnection::commit() {
  // COMMIT of a failed transaction "succeeds" as a ROLLBACK; never let that pass as durable.
  if (PQtransactionStatus(connection_) == PQTRANS_INERROR) {
    (void)simple("ROLLBACK");
    return make_error(ErrorCode::kInternal,
                      "postgresql: commit of a transaction that had failed (an earlier error was "
                      "ignored); rolled back");
  }
  return simple("COMMIT");
}

Status PostgresConnection::rollback() {
  return simple("ROLLBACK");
}

bool PostgresConnection::in_transaction() const {
  PGTransactionStatusType state = PQtransactionStatus(connection_);
  return state == PQTRANS_INTRANS || state == PQTRANS_INERROR || state == PQTRANS_ACTIVE;
}

Status PostgresConnection::insert_rows(std::string_view table,
                                       const std::vector<std::string>& columns,
                                       const std::vector<std::vector<Value>>& rows) {
  if (!in_transaction()) return failed_precondition("insert_rows must run inside a transaction");
  if (!is_identifier(table)) return invalid_argument("bad table name: " + std::string(table));
  if (columns.empty()) return invalid_argument("insert_rows needs at least one column");
  std::string sql = "COPY " + std::string(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!is_identifier(columns[i])) return invalid_argument("bad column name: " + columns[i]);
    sql += (i ? ", " : "") + columns[i];
  }
  sql += ") FROM STDIN";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != columns.size()) {
      return invalid_argument("row " + std::to_string(r) + " has " +
                              std::to_string(rows[r].size()) + " values for " +
                              std::to_string(columns.size()) + " columns");
    }
  }
  if (rows.empty()) return {};
  return copy_in(sql, rows, columns.size());
}

Status PostgresConnection::copy_in(const std::string& copy_sql,
                                   const std::vector<std::vector<Value>>& rows, std::size_t width) {
  ResultPtr started(PQexec(connection_, copy_sql.c_str()));
  if (started == nullptr || PQresultStatus(started.get()) != PGRES_COPY_IN) {
    Status failed = check(started.get(), "COPY: ");
    if (failed) return make_error(ErrorCode::kInternal, "postgresql: COPY did not start");
    return failed;
  }
  std::string buffer;
  buffer.reserve(tunables::postgres_copy_chunk_bytes + 4096);
  Status encoded;
  for (std::size_t r = 0; r < rows.size() && encoded; ++r) {
    encoded = append_copy_row(rows[r], width, r, buffer);
    if (encoded && (buffer.size() >= tunables::postgres_copy_chunk_bytes || r + 1 == rows.size())) {
      if (PQputCopyData(connection_, buffer.data(), static_cast<int>(buffer.size())) != 1) break;
      buffer.clear();
    }
  }
  const char* abort_reason = encoded ? nullptr : "bad row";
  PQputCopyEnd(connection_, abort_reason);
  Status finished;
  // Bounded: libpq returns a finite number of results, then nullptr.
  while (PGresult* raw = PQgetResult(connection_)) {
    ResultPtr result(raw);
    Status checked = check(result.get(), "COPY: ");
    if (!checked && finished) finished = checked;
  }
  if (!encoded) return encoded;
  return finished;
}

}  // namespace ektp::store::detail
