// The --db option shared by the subcommands that open the register, and error reporting.
#pragma once

#include <memory>
#include <string>

#include "access/audit_anchor.h"
#include "access/audit_anchorer.h"
#include "core/error.h"
#include "store/database.h"

namespace CLI {
class App;
}

namespace ektp::cli {

void add_database_option(CLI::App& command, std::string& url);
// Opens the database; for "sqlite:PATH" creates PATH's folder first.
Result<std::unique_ptr<store::Database>> open_database(const std::string& url);
// The --audit-anchor option: where the audit chain's signed checkpoints live (empty = the
// default place for the database, access::default_anchor_dir).
void add_audit_anchor_option(CLI::App& command, std::string& dir);
// Opens (with `create`, makes) the anchor of `db_url`, at `dir` or its default place.
Result<access::AuditAnchor> open_audit_anchor(const std::string& db_url, const std::string& dir, bool create);
// For a server: opens or makes the anchor, checks the chain against it (a mismatch is logged as
// critical: nothing is signed until it is resolved) and starts signing checkpoints.
Result<std::unique_ptr<access::AuditAnchorer>> start_audit_anchorer(store::Database& db, const std::string& db_url,
                                                                    const std::string& dir);
// Prints "error: <message>" to stderr and returns the exit status (1).
int report(const Error& error);

}  // namespace ektp::cli
