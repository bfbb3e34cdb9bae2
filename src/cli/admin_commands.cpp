// Administration from the command line: `ektp db migrate`, `ektp db load-demo`, `ektp audit verify`
// (`ektp user …` is in user_commands.cpp).
#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "bulk_matching/bulk_match_reads.h"
#include "cli/commands.h"
#include "cli/database_option.h"
#include "core/limits.h"
#include "access/audit_journal.h"
#include "access/audit_log.h"
#include "registry/demo/demo_loader.h"
#include "store/migrations.h"

namespace ektp::cli {

namespace {

int run_migrate(const std::string& url) {
  auto db = open_database(url);
  if (!db) return report(db.error());
  auto applied = store::migrate(**db, store::registry_migrations());
  if (!applied) return report(applied.error());
  auto version = store::schema_version(**db);
  if (!version) return report(version.error());
  std::cout << "schema version " << *version << " (" << applied->size() << " migration(s) applied now)\n";
  return 0;
}

// Bulk-loads a synthetic population (benchmarks, demos): prints one JSON line with persons/s.
int run_load_demo(const std::string& url, const std::string& regency, std::size_t persons) {
  auto db = open_database(url);
  if (!db) return report(db.error());
  if (auto m = store::migrate(**db, store::registry_migrations()); !m) return report(m.error());
  registry::demo::DemoOptions options;
  options.regency_code = regency;
  options.persons = persons;
  options.today = jakarta_date_of(std::chrono::system_clock::now());
  auto started = std::chrono::steady_clock::now();
  auto loaded = registry::demo::load_demo_population(**db, options, [](std::size_t done, std::size_t total) {
    if (done % 100'000 < 5'000) std::cerr << "loaded " << done << " of " << total << " persons\n";
  });
  if (!loaded) return report(loaded.error());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  boost::json::object out{{"backend", (*db)->backend() == store::Backend::kSQLite ? "sqlite" : "postgresql"},
                          {"persons", *loaded}, {"seconds", seconds},
                          {"persons_per_s", static_cast<double>(*loaded) / seconds}};
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

constexpr int kBulkMatchReadsVersion = 23;  // the migration that made bulk_match_reads

// Exit status: 0 valid, 2 broken (cut, rewritten, edited, gaps), 1 when it cannot be checked.
int run_audit_verify(const std::string& url, const std::string& anchor_dir) {
  auto db = open_database(url);
  if (!db) return report(db.error());
  auto anchor = open_audit_anchor(url, anchor_dir, false);
  if (!anchor) {
    std::cerr << "error: " << anchor.error().message
              << "\nwithout the anchor a cut or rebuilt chain cannot be told from a whole one; "
                 "name it with --audit-anchor\n";
    return 1;
  }
  std::cerr << "anchor: " << anchor->dir().string() << "\n";
  // Records a stopped server left in its journal belong to the chain before it is judged.
  auto moved = access::move_orphaned_journal_segments(**db, access::audit_journal_dir(anchor->dir()));
  if (!moved) return report(moved.error());
  auto result = access::verify_anchored_chain(**db, *anchor);
  if (!result) return report(result.error());
  boost::json::object out{{"valid", result->chain.valid},
                          {"entries", result->chain.entries},
                          {"head_seq", result->chain.head.seq},
                          {"anchor", anchor->dir().string()},
                          {"checkpoints", result->checkpoints},
                          {"unanchored_entries", result->unanchored_entries},
                          {"journal_entries_moved", *moved}};
  if (result->latest) out["latest_checkpoint_seq"] = result->latest->seq;
  if (!result->chain.valid) {
    out["broken_at"] = result->chain.broken_at;
    out["problem"] = result->chain.problem;
  }
  // Bulk matches' reads hang under chained chunk entries that state their digest.
  // (A register not yet migrated to them has none.)
  auto version = store::schema_version(**db);
  if (!version) return report(version.error());
  auto bulk_reads = *version >= kBulkMatchReadsVersion ? bulk::verify_bulk_reads(**db)
                                                       : Result<bulk::BulkReadsVerification>(bulk::BulkReadsVerification{});
  if (!bulk_reads) return report(bulk_reads.error());
  out["bulk_match_chunks"] = bulk_reads->chunks;
  out["bulk_match_reads"] = bulk_reads->reads;
  if (!bulk_reads->valid()) {
    out["valid"] = false;
    boost::json::array broken;
    for (const auto seq : bulk_reads->broken_chunks) broken.push_back(seq);
    out["bulk_match_chunks_broken"] = std::move(broken);
    out["bulk_match_stray_reads"] = bulk_reads->stray_reads;
  }
  std::cout << boost::json::serialize(out) << "\n";
  return result->chain.valid && bulk_reads->valid() ? 0 : 2;
}

}  // namespace

void register_admin_commands(CLI::App& app) {
  auto url = std::make_shared<std::string>();
  auto* db = app.add_subcommand("db", "database administration");
  db->require_subcommand(1);
  auto* migrate = db->add_subcommand("migrate", "apply the missing schema migrations");
  add_database_option(*migrate, *url);
  migrate->callback([url] { exit_code() = run_migrate(*url); });
  auto demo_url = std::make_shared<std::string>();
  auto demo_regency = std::make_shared<std::string>("3327");
  auto demo_persons = std::make_shared<std::size_t>(50'000);
  auto* load_demo = db->add_subcommand("load-demo", "bulk-load a synthetic population into an empty register");
  add_database_option(*load_demo, *demo_url);
  load_demo->add_option("--regency", *demo_regency, "regency code")->capture_default_str();
  load_demo->add_option("--persons", *demo_persons, "number of persons")
      ->check(CLI::Range(std::size_t{1}, std::size_t{limits::demo_persons_max}))->capture_default_str();
  load_demo->callback([demo_url, demo_regency, demo_persons] {
    exit_code() = run_load_demo(*demo_url, *demo_regency, *demo_persons);
  });

  auto audit_url = std::make_shared<std::string>();
  auto* audit = app.add_subcommand("audit", "audit log");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "check the hash chain of the audit log");
  add_database_option(*verify, *audit_url);
  auto anchor_dir = std::make_shared<std::string>();
  add_audit_anchor_option(*verify, *anchor_dir);
  verify->callback([audit_url, anchor_dir] { exit_code() = run_audit_verify(*audit_url, *anchor_dir); });
}

}  // namespace ektp::cli
