// `ektp match bulk`: an administrator runs an agency's bulk-matching file (pemadanan) against the
// register under the agency's agreement in force (bulk_matching/bulk_match_job.h): one result line
// per input row into --out, a progress bar on stderr, the summary as JSON on stdout (and in
// --summary). The result is written to OUT.partial (mode 0600) and renamed to OUT only when the
// job has finished, so a stopped job never leaves a result that looks complete.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bulk_matching/bulk_match_job.h"
#include "cli/commands.h"
#include "cli/database_option.h"
#include "cli/wall_clock.h"
#include "core/civil_date.h"

namespace ektp::cli {

namespace {

namespace fs = std::filesystem;

struct BulkOptions {
  std::string db_url;
  std::string agency;
  std::string purpose;
  std::string run_by;
  std::string input;
  std::string out;
  std::string summary;
  std::string format = "csv";
  std::size_t threads = 2;
};

// "[######------] 41 %  6,553,600 rows  412,300 rows/s  about 24 s left", from the bytes read.
void draw_progress(const bulk::BulkMatchProgress& p, std::uint64_t input_bytes) {
  if (p.phase == bulk::JobPhase::kLoadingRegister) {
    std::fprintf(stderr, "\rregister: %zu persons read (%.1f s)        ", p.persons_read, p.seconds);
    return;
  }
  const double share = input_bytes == 0 ? 1.0 : std::min(1.0, static_cast<double>(p.bytes_read) / input_bytes);
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(share * kWidth);
  const double rate = p.seconds > 0 ? static_cast<double>(p.rows_done) / p.seconds : 0;
  const double left = share > 0 ? p.seconds * (1 - share) / share : 0;
  std::fprintf(stderr, "\r[%s%s] %3.0f %%  %llu rows  %.0f rows/s  about %.0f s left   ",
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '-').c_str(), share * 100,
               static_cast<unsigned long long>(p.rows_done), rate, left);
}

int run_bulk(const BulkOptions& o) {
  std::ifstream in(o.input, std::ios::binary);
  if (!in) return report(make_error(ErrorCode::kNotFound, fmt::format("{}: cannot be read", o.input)).error());
  std::error_code size_error;
  const std::uint64_t input_bytes = fs::file_size(o.input, size_error);
  if (o.format != "csv" && o.format != "jsonl") return report(make_error(ErrorCode::kInvalidArgument, "--format: csv or jsonl").error());
  auto db = open_database(o.db_url);
  if (!db) return report(db.error());
  const fs::path partial = o.out + ".partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) return report(make_error(ErrorCode::kUnavailable, fmt::format("{}: cannot be written", partial.string())).error());
  ::chmod(partial.c_str(), 0600);
  const std::int64_t now_ms = wall_ms();
  bulk::BulkMatchRequest request{o.agency, o.purpose, fs::path(o.input).filename().string().substr(0, 100), o.run_by,
                                 o.format == "csv" ? bulk::ResultFormat::kCsv : bulk::ResultFormat::kJsonLines,
                                 o.threads, now_ms};
  const CivilDate today = jakarta_date_of(std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms)));
  auto summary = bulk::run_bulk_match(**db, RegionDirectory::builtin(), today, bulk::istream_source(in),
                                      out, request, [input_bytes](const bulk::BulkMatchProgress& p) {
                                        draw_progress(p, input_bytes);
                                      });
  std::fputc('\n', stderr);
  out.close();
  if (!summary) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    return report(summary.error());
  }
  if (!out) return report(make_error(ErrorCode::kUnavailable, fmt::format("{}: writing failed", partial.string())).error());
  fs::rename(partial, o.out);
  const std::string json = bulk::summary_json(*summary);
  if (!o.summary.empty()) {
    std::ofstream file(o.summary, std::ios::trunc);
    file << json << "\n";
  }
  std::cout << json << "\n";
  return 0;
}

}  // namespace

void register_match_commands(CLI::App& app) {
  auto* match = app.add_subcommand("match", "bulk matching (pemadanan) of agencies' files");
  match->require_subcommand(1);
  auto* bulk = match->add_subcommand("bulk", "match an agency's CSV or JSON Lines file against the register");
  auto o = std::make_shared<BulkOptions>();
  add_database_option(*bulk, o->db_url);
  bulk->add_option("--agency", o->agency, "the agency's code (its agreement in force must include bulk_match)")->required();
  bulk->add_option("--purpose", o->purpose, "one of the agreement's purposes")->required();
  bulk->add_option("--run-by", o->run_by, "the administrator running the job (in every audit record)")->required();
  bulk->add_option("INPUT", o->input, "the agency's file: CSV (header with row_id) or JSON Lines")->required();
  bulk->add_option("--out", o->out, "where the results go (one line per input row)")->required();
  bulk->add_option("--format", o->format, "csv (default) or jsonl");
  bulk->add_option("--summary", o->summary, "also write the summary JSON here");
  bulk->add_option("--threads", o->threads, "matching threads (default 2)")->check(CLI::Range(1, 64));
  bulk->callback([o] { exit_code() = run_bulk(*o); });
}

}  // namespace ektp::cli
