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
  PQsetNoticeProcessor(connection, [](void*, const char*) {}, nullptr);
  return opened;
}

PostgresConnection::~PostgresConnection() { PQfinish(connection_); }

bool PostgresConnection::healthy() const {
  if (PQstatus(connection_) != CONNECTION_OK) return false;
  PGTransactionStatusType state = PQtransactionStatus(connection_);
  return state == PQTRANS_IDLE || state == PQTRANS_INTRANS || state == PQTRANS_INERROR;
}

Status PostgresConnection::check(const PGresult* result, std::string_view context) const {
  if (result == nullptr) {
    return make_error(PQstatus(connection_) == CONNECTION_BAD ? ErrorCode::kUnavailable
                                                              : ErrorCode::kInternal,
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

Result<QueryResult> PostgresConnection::execute(std::string_view sql, const std::vector<Value>& params) {
  if (params.size() > tunables::statement_params_max) {
    return invalid_argument("too many parameters: " + std::to_string(params.size()));
  }
  if (Status placed = check_placeholders(sql, params.size()); !placed) {
    return std::unexpected(placed.error());
  }
  Result<EncodedParams> encoded = encode_params(params);
  if (!encoded) return std::unexpected(encoded.error());
  std::string rewritten = expand_tokens(sql, Backend::kPostgreSQL);
  ResultPtr result(PQexecParams(connection_, rewritten.c_str(), static_cast<int>(params.size()),
                                encoded->types.data(), encoded->values.data(),
                                encoded->lengths.data(), encoded->formats.data(), /*text=*/0));
  if (Status checked = check(result.get(), ""); !checked) return std::unexpected(checked.error());
  return decode_result(result.get());
}

Status PostgresConnection::simple(const char* sql) {
  ResultPtr result(PQexec(connection_, sql));
  return check(result.get(), "");
}

Status PostgresConnection::execute_script(std::string_view sql) {
  std::string rewritten = expand_tokens(sql, Backend::kPostgreSQL);
  return simple(rewritten.c_str());
}

Status PostgresConnection::begin_write() { return simple("BEGIN ISOLATION LEVEL READ COMMITTED"); }

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

Status PostgresConnection::rollback() { return simple("ROLLBACK"); }

bool PostgresConnection::in_transaction() const {
  PGTransactionStatusType state = PQtransactionStatus(connection_);
  return state == PQTRANS_INTRANS || state == PQTRANS_INERROR || state == PQTRANS_ACTIVE;
}

Status PostgresConnection::insert_rows(std::string_view table, const std::vector<std::string>& columns,
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
      return invalid_argument("row " + std::to_string(r) + " has " + std::to_string(rows[r].size()) +
                              " values for " + std::to_string(columns.size()) + " columns");
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
