// Versioned schema migrations. Each migration has a number and SQL (with the {BLOB}/{ID}/{NOW_MS}
// tokens of database.h); the applied ones are recorded in table schema_migrations, and migrate()
// applies the missing ones in order, each in its own transaction. Safe to call concurrently from
// two processes: the second waits or sees them applied.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace ektp::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The registry's migrations, in order (defined in schema.cpp).
const std::vector<Migration>& registry_migrations();

// Applies the missing migrations; returns the versions applied now.
Result<std::vector<int>> migrate(Database& db, const std::vector<Migration>& migrations);
// The highest applied version (0 for an empty database).
Result<int> schema_version(Database& db);

}  // namespace ektp::store
