#include "cli/database_option.h"

#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

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

void add_audit_anchor_option(CLI::App& command, std::string& dir) {
  command.add_option("--audit-anchor", dir,
                     "folder of the audit chain's signing key and checkpoints (default: PATH.anchor beside a "
                     "SQLite file; $EKTP_AUDIT_ANCHOR_DIR or ~/.local/state/ektp/audit-anchor/… for PostgreSQL)");
}

Result<access::AuditAnchor> open_audit_anchor(const std::string& db_url, const std::string& dir, bool create) {
  return access::AuditAnchor::open(dir.empty() ? access::default_anchor_dir(db_url) : std::filesystem::path(dir),
                                   create);
}

Result<std::unique_ptr<access::AuditAnchorer>> start_audit_anchorer(store::Database& db, const std::string& db_url,
                                                                    const std::string& dir) {
  // How often the chain's head is signed while it grows.
  constexpr std::chrono::seconds kCheckpointInterval{2};
  EKTP_ASSIGN_OR_RETURN(auto anchor, open_audit_anchor(db_url, dir, true));
  spdlog::info("audit chain checkpoints are signed into {}", anchor.dir().string());
  EKTP_ASSIGN_OR_RETURN(auto verified, access::verify_since_latest_checkpoint(db, anchor));
  if (!verified.chain.valid) {
    spdlog::critical("the audit chain does not match its anchor (entry {}: {}); no checkpoint will be signed "
                     "until this is resolved; run `ektp audit verify`",
                     verified.chain.broken_at, verified.chain.problem);
  }
  return std::make_unique<access::AuditAnchorer>(db, std::move(anchor), kCheckpointInterval,
                                                 [] { return std::chrono::system_clock::now(); });
}

int report(const Error& error) {
  std::cerr << "error: " << error.message << " (" << error_code_name(error.code)
            << (error.reason.empty() ? "" : ", " + error.reason) << ")\n";
  return 1;
}

}  // namespace ektp::cli
