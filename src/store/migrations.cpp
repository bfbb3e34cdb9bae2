// migrate() and schema_version(). Each migration runs in its own write transaction together with
// its schema_migrations record, after taking a lock that serialises concurrent migrators:
// PostgreSQL's transaction-scoped advisory lock, SQLite's BEGIN IMMEDIATE.
#include "store/migrations.h"

#include <algorithm>

namespace ektp::store {
namespace {

// pg_advisory_xact_lock key: "ektp" in ASCII, so other applications' keys are unlikely to clash.
constexpr std::int64_t kMigrationLockKey = 0x656b7470;

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at_ms BIGINT NOT NULL)";

Status check_order(const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= previous) {
      return invalid_argument("migration versions must be positive and increasing: " +
                              std::to_string(migration.version) + " after " +
                              std::to_string(previous));
    }
    previous = migration.version;
  }
  return {};
}

// Runs inside the write transaction. Returns true when it applied the migration now.
Result<bool> apply_one(Connection& connection, const Migration& migration) {
  if (connection.backend() == Backend::kPostgreSQL) {
    auto locked = connection.execute("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey});
    if (!locked) return std::unexpected(locked.error());
  }
  if (Status created = connection.execute_script(kCreateTable); !created) {
    return std::unexpected(created.error());
  }
  auto found = connection.execute("SELECT version FROM schema_migrations WHERE version = $1",
                                  {std::int64_t{migration.version}});
  if (!found) return std::unexpected(found.error());
  if (!found->rows.empty()) return false;
  if (Status applied = connection.execute_script(migration.sql); !applied) {
    return make_error(applied.error().code, "migration " + std::to_string(migration.version) +
                                                " (" + migration.name +
                                                "): " + applied.error().message);
  }
  auto recorded = connection.execute(
      "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, {NOW_MS})",
      {std::int64_t{migration.version}, migration.name});
  if (!recorded) return std::unexpected(recorded.error());
  return true;
}

}  // namespace

Result<std::vector<int>> migrate(Database& db, const std::vector<Migration>& migrations) {
  if (Status ordered = check_order(migrations); !ordered) return std::unexpected(ordered.error());
  Result<int> current = schema_version(db);
  if (!current) return std::unexpected(current.error());
  int known = migrations.empty() ? 0 : migrations.back().version;
  if (*current > known) {
    return failed_precondition("the database schema is at version " + std::to_string(*current) +
                               ", newer than this program knows (" + std::to_string(known) +
                               "); upgrade the program");
  }
  std::vector<int> applied;
  for (const Migration& migration : migrations) {
    if (migration.version <= *current) continue;  // fast path; apply_one checks again under lock
    Result<bool> done = with_write_transaction<bool>(
        db, [&](Connection& connection) { return apply_one(connection, migration); });
    if (!done) return std::unexpected(done.error());
    if (*done) applied.push_back(migration.version);
  }
  return applied;
}

Result<int> schema_version(Database& db) {
  Result<PooledConnection> connection = db.connect();
  if (!connection) return std::unexpected(connection.error());
  std::string_view exists_sql =
      (*connection)->backend() == Backend::kSQLite
          ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
          : "SELECT COUNT(*) FROM pg_catalog.pg_tables"
            " WHERE schemaname = current_schema() AND tablename = 'schema_migrations'";
  auto exists = (*connection)->execute(exists_sql);
  if (!exists) return std::unexpected(exists.error());
  if (exists->rows.empty() || exists->rows[0].integer(0) == 0) return 0;
  auto version = (*connection)->execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!version) return std::unexpected(version.error());
  return static_cast<int>(version->rows.at(0).integer(0));
}

}  // namespace ektp::store
