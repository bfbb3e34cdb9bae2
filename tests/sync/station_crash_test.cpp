// kill -9 at any moment loses nothing the operator was told was saved and applies nothing twice
// (SPEC §6). The test provisions a station and a central database (real SQLite files, WAL), then
// over and over starts ektp_station_crash_child — which saves enrollments and uploads them into
// central's database in-process — waits a random 20–300 ms (seeded) and SIGKILLs it, so kills land
// while saving, while syncing and inside central's ingest transaction. Then one clean child drains
// the outbox, and both databases must be intact and agree exactly.
//
//   EKTP_CRASH_CYCLES=N  kills (default 50)      EKTP_CRASH_SEED=S  the kill timings (default 1)
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "sync/outbox.h"
#include "sync_fixture.h"

extern char** environ;

namespace ektp::sync {
namespace {

struct ChildRun {
  int status = 0;
  std::vector<std::string> lines;
};

// Runs the child with its stdout on a pipe; with `kill_after`, SIGKILLs it then. Reaps it and
// returns everything it wrote.
ChildRun run_child(const std::vector<std::string>& args, std::optional<std::chrono::milliseconds> kill_after) {
  ChildRun run;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(EKTP_STATION_CRASH_CHILD));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, EKTP_STATION_CRASH_CHILD, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    ADD_FAILURE() << "cannot start " << EKTP_STATION_CRASH_CHILD << ": " << std::strerror(spawned);
    return run;
  }
  if (kill_after) {
    std::this_thread::sleep_for(*kill_after);
    ::kill(pid, SIGKILL);
  }
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  while (::waitpid(pid, &run.status, 0) < 0 && errno == EINTR) {
  }
  std::size_t start = 0;
  for (std::size_t end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    run.lines.push_back(out.substr(start, end - start));
  }
  return run;  // a line cut by the kill (no newline) is dropped: the child never finished saying it
}

// Where the child was when the kill landed, from the last marker it wrote.
std::string kill_point(const std::vector<std::string>& lines) {
  std::string where = "start-up";
  for (const auto& line : lines) {
    if (line == "ready" || line.starts_with("saved ") || line.starts_with("upload-end")) where = "between steps";
    else if (line == "save-begin") where = "saving";
    else if (line == "upload-begin" || line == "ingest-end") where = "uploading at the station";
    else if (line.starts_with("ingest-begin")) where = "in central's ingest";
  }
  return where;
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && text[0] != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

std::set<std::string> ids_of(store::Database& db, const std::string& sql) {
  auto conn = db.connect();
  auto rows = (*conn)->execute(sql);
  EXPECT_TRUE(rows.has_value()) << (rows ? "" : rows.error().message);
  std::set<std::string> out;
  if (rows) {
    for (const auto& row : rows->rows) out.insert(row.text(0));
  }
  return out;
}

std::string integrity(store::Database& db) {
  auto conn = db.connect();
  auto rows = (*conn)->execute("PRAGMA integrity_check");
  if (!rows) return rows.error().message;
  return rows->rows.empty() ? "no answer" : rows->rows[0].text(0);
}

TEST(StationCrashLoop, KillNineAtAnyMomentLosesNothingAndAppliesNothingTwice) {
  const int cycles = static_cast<int>(env_number("EKTP_CRASH_CYCLES", 50));
  const std::uint64_t seed = env_number("EKTP_CRASH_SEED", 1);
  SCOPED_TRACE(fmt::format("crash seed {}: replay with EKTP_CRASH_SEED={} (kill timings vary with load)", seed, seed));
  test::Central central = test::make_central(store::Backend::kSQLite);
  ASSERT_NE(central.ingest, nullptr);
  std::string district = test::busiest_district(central.db());
  test::Station station = test::make_station(central, "st-crash", district);
  auto residents = test::residents_of(central.db(), district, 10);
  ASSERT_FALSE(residents.empty());
  std::string niks;
  for (const auto& nik : residents) niks += (niks.empty() ? "" : ",") + nik;
  auto model = test::compact_enrollment(station, random_uuid(), residents[0], "fvc2002-db1b");
  auto template_path = std::filesystem::path(station.database->sqlite_path()).parent_path() / "template.json";
  std::ofstream(template_path, std::ios::binary) << enrollment_to_payload(model);
  const std::string station_url = station.database->url(), central_url = central.database->url();
  // The test holds no connection while the child runs and dies.
  central.ingest.reset();
  central.database->close();
  station.database->close();

  std::mt19937_64 rng(seed);
  std::set<std::string> reported;  // ids the child said were saved
  std::map<std::string, int> kills_at;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 300)(rng));
    auto run =
        run_child({"loop", station_url, central_url, template_path.string(), niks, std::to_string(rng())}, delay);
    ASSERT_TRUE(WIFSIGNALED(run.status) && WTERMSIG(run.status) == SIGKILL)
        << "cycle " << cycle << ": the child ended by itself (status " << run.status << "); see its stderr";
    ++kills_at[kill_point(run.lines)];
    for (const auto& line : run.lines) {
      if (!line.starts_with("saved ")) continue;
      auto id = line.substr(6, line.find(' ', 6) - 6);
      EXPECT_TRUE(reported.insert(id).second) << "id " << id << " reported twice";
    }
  }
  auto drained = run_child({"drain", station_url, central_url, template_path.string(), niks, "0"}, std::nullopt);
  ASSERT_TRUE(WIFEXITED(drained.status) && WEXITSTATUS(drained.status) == 0) << "the clean run failed";
  ASSERT_FALSE(drained.lines.empty());
  EXPECT_EQ(drained.lines.back(), "drained");

  ASSERT_OK(test::restart_central(central));
  ASSERT_OK(station.database->reopen());
  const std::string central_integrity = integrity(central.db()), station_integrity = integrity(station.db());
  EXPECT_EQ(central_integrity, "ok");
  EXPECT_EQ(station_integrity, "ok");
  // Everything the operator was told was saved is at the station and at central, once; central
  // holds exactly what the station holds, nothing twice.
  auto at_station = ids_of(station.db(), "SELECT enrollment_id FROM enrollments");
  auto at_central = ids_of(central.db(), "SELECT enrollment_id FROM enrollments");
  for (const auto& id : reported) {
    EXPECT_TRUE(at_station.contains(id)) << "saved " << id << " is not at the station";
    EXPECT_TRUE(at_central.contains(id)) << "saved " << id << " is not at central";
  }
  EXPECT_EQ(at_central, at_station);
  auto saved = static_cast<std::int64_t>(at_station.size());
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM enrollments"), saved);
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM sync_items"), saved);
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(DISTINCT item_key) FROM sync_items"), saved);
  EXPECT_EQ(test::count_rows(station.db(), "SELECT COUNT(*) FROM outbox"), saved);
  EXPECT_EQ(test::count_rows(station.db(), "SELECT COUNT(*) FROM outbox WHERE delivered_at_ms = 0"), 0);
  auto last_seq = test::count_rows(central.db(), "SELECT last_seq FROM stations WHERE station_id = 'st-crash'");
  EXPECT_EQ(last_seq, test::count_rows(station.db(), "SELECT COALESCE(MAX(seq), 0) FROM outbox"));
  auto duplicates = test::count_rows(central.db(), "SELECT COUNT(*) FROM status_timeline WHERE status = 'terkirim'") -
                    static_cast<std::int64_t>(at_central.size());
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(test::count_rows(station.db(), "SELECT COUNT(DISTINCT enrollment_id) FROM status_timeline "
                                           "WHERE status = 'terkirim'"),
            saved);
  EXPECT_EQ(test::count_rows(station.db(), "SELECT COUNT(*) FROM status_timeline WHERE status = 'terkirim'"), saved);
  auto rows = list_outbox(station.db(), false, static_cast<std::size_t>(saved) + 10);
  ASSERT_OK(rows);
  for (const auto& row : *rows) {
    auto receipt = receipt_from_json(row.receipt);
    ASSERT_OK(receipt);
    EXPECT_TRUE(verify_receipt(*receipt, station.identity.central_public_key_hex)) << "seq " << row.seq;
    EXPECT_EQ(row.outcome, "applied") << "seq " << row.seq;
  }
  std::string where;
  for (const auto& [point, n] : kills_at) where += fmt::format("{}{} {}", where.empty() ? "" : ", ", n, point);
  std::cout << fmt::format(
      "crash loop (seed {}): {} kills ({}); {} enrollments reported saved, {} saved at the station, {} at central, "
      "{} duplicates; central last_seq {}; integrity_check: station {}, central {}\n",
      seed, cycles, where, reported.size(), at_station.size(), at_central.size(), duplicates, last_seq,
      station_integrity, central_integrity);
}

}  // namespace
}  // namespace ektp::sync
