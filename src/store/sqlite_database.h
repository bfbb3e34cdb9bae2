// Internal to src/store: the SQLite back end's Database (a pool of SQLiteConnections on one file).
#pragma once

#include <memory>
#include <string_view>

#include "store/database.h"

namespace ektp::store::detail {

// Opens (creating if needed) the database file at `path` in WAL mode. Errors: kInvalidArgument for
// an empty path, ":memory:" or a directory that does not exist; kInternal if SQLite fails.
Result<std::unique_ptr<Database>> open_sqlite_database(std::string_view path);

}  // namespace ektp::store::detail
