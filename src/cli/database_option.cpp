#include "cli/database_option.h"

#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

namespace ektp::cli {

void add_database_option(CLI::App& command, std::string& url) {
  command.add_option("--db", url, "sqlite:PATH or postgresql://…")->required();
}

Result<std::unique_ptr<store::Database>> open_database(const std::string& url) {
  if (url.starts_with("sqlite:")) {
    std::filesystem::path path = url.substr(7);
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  }
  return store::Database::open(url);
}

int report(const Error& error) {
  std::cerr << "error: " << error.message << " (" << error_code_name(error.code) << ")\n";
  return 1;
}

}  // namespace ektp::cli
