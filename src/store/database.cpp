// PooledConnection, Database::open (URL dispatch) and the retry back-off.
#include "store/database.h"

#include <chrono>
#include <random>
#include <thread>

#include "core/assert.h"
#include "store/postgres_database.h"
#include "store/sqlite_database.h"
#include "store/store_limits.h"

namespace ektp::store {

PooledConnection::PooledConnection(Database* owner, std::unique_ptr<Connection> connection)
    : owner_(owner), connection_(std::move(connection)) {
  EKTP_ASSERT(owner_ != nullptr);
  EKTP_ASSERT(connection_ != nullptr);
}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : owner_(other.owner_), connection_(std::move(other.connection_)) {
  other.owner_ = nullptr;
}

PooledConnection::~PooledConnection() {
  if (connection_ == nullptr) return;
  // Never commit on return: work that did not commit explicitly is abandoned.
  if (connection_->in_transaction()) (void)connection_->rollback();
  owner_->give_back(std::move(connection_));
}

Result<std::unique_ptr<Database>> Database::open(std::string_view url) {
  constexpr std::string_view kSQLite = "sqlite:";
  if (url.starts_with(kSQLite)) {
    std::string_view path = url.substr(kSQLite.size());
    if (path.starts_with("//")) path.remove_prefix(2);  // sqlite:///abs/path or sqlite://rel
    return detail::open_sqlite_database(path);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return detail::open_postgres_database(url);
  }
  std::size_t colon = url.find(':');
  std::string scheme(colon == std::string_view::npos ? std::string_view("(none)")
                                                     : url.substr(0, colon));
  return invalid_argument("unsupported database URL scheme '" + scheme +
                          "': use sqlite:PATH or postgresql://…");
}

namespace detail {

void sleep_before_retry(int attempt) {
  EKTP_ASSERT(attempt >= 1);
  std::uint32_t backoff_ms = tunables::retry_backoff_ms_min;
  for (int i = 1; i < attempt && backoff_ms < tunables::retry_backoff_ms_max; ++i) backoff_ms *= 2;
  if (backoff_ms > tunables::retry_backoff_ms_max) backoff_ms = tunables::retry_backoff_ms_max;
  // Jitter so that transactions that collided once do not collide again in lock step.
  thread_local std::minstd_rand random(
      static_cast<std::uint32_t>(std::hash<std::thread::id>{}(std::this_thread::get_id())));
  std::uint32_t jitter_ms = random() % (backoff_ms + 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms / 2 + jitter_ms));
}

}  // namespace detail
}  // namespace ektp::store
