#include "store/postgres_database.h"

#include <libpq-fe.h>

#include "store/connection_pool.h"
#include "store/postgres_connection.h"
#include "store/store_limits.h"

namespace ektp::store::detail {
namespace {

class PostgresDatabase final : public PooledDatabase {
 public:
  PostgresDatabase(std::string url, std::string description)
      : PooledDatabase(
            tunables::postgres_connections_max, [this] { return open_connection(); },
            [](Connection& connection) {
              return static_cast<PostgresConnection&>(connection).healthy();
            }),
        url_(std::move(url)),
        description_(std::move(description)) {}

  Backend backend() const override { return Backend::kPostgreSQL; }

  std::string describe() const override { return description_; }

  Result<std::unique_ptr<Connection>> open_connection() const {
    Result<std::unique_ptr<PostgresConnection>> opened = PostgresConnection::open(url_);
    if (!opened) return std::unexpected(opened.error());
    return std::unique_ptr<Connection>(std::move(*opened));
  }

 private:
  const std::string url_;  // may hold a password: never shown
  const std::string description_;
};

// "postgresql database DB on HOST port PORT as USER", from the URL, without the password.
Result<std::string> describe_url(const std::string& url) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &message);
  if (options == nullptr) {
    std::string reason = message != nullptr ? message : "out of memory";
    PQfreemem(message);
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    return invalid_argument("postgresql: bad URL: " + reason);
  }
  std::string database = "(default)", host = "(default)", port = "(default)", user = "(default)";
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || option->val[0] == '\0') continue;
    std::string_view keyword = option->keyword;
    if (keyword == "dbname") database = option->val;
    if (keyword == "host") host = option->val;
    if (keyword == "port") port = option->val;
    if (keyword == "user") user = option->val;
  }
  PQconninfoFree(options);
  return "postgresql database " + database + " on " + host + " port " + port + " as " + user;
}

}  // namespace

Result<std::unique_ptr<Database>> open_postgres_database(std::string_view url) {
  std::string owned(url);
  Result<std::string> description = describe_url(owned);
  if (!description) return std::unexpected(description.error());
  auto db = std::make_unique<PostgresDatabase>(owned, *description);
  Result<std::unique_ptr<Connection>> first = db->open_connection();
  if (!first) {
    return make_error(first.error().code, first.error().message + " (" + *description + ")");
  }
  db->adopt(std::move(*first));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ektp::store::detail
