// The --db option shared by the subcommands that open the register, and error reporting.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "store/database.h"

namespace CLI {
class App;
}

namespace ektp::cli {

void add_database_option(CLI::App& command, std::string& url);
// Opens the database; for "sqlite:PATH" creates PATH's folder first.
Result<std::unique_ptr<store::Database>> open_database(const std::string& url);
// Prints "error: <message>" to stderr and returns the exit status (1).
int report(const Error& error);

}  // namespace ektp::cli
