// Internal to src/store: the PostgreSQL back end's Database (a pool of libpq connections).
#pragma once

#include <memory>
#include <string_view>

#include "store/database.h"

namespace ektp::store::detail {

// Connects once to check the URL. Errors: kInvalidArgument for a URL libpq cannot parse;
// kUnavailable when the server cannot be reached or refuses the login.
Result<std::unique_ptr<Database>> open_postgres_database(std::string_view url);

}  // namespace ektp::store::detail
