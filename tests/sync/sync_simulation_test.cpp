// The seeded sync simulation: 3–5 stations (each its own SQLite database, some with clocks hours
// wrong) and one central, joined by simulated networks (sim_network.h) that lose requests and
// answers, duplicate, hold batches back and deliver them out of order, and cut stations off for
// stretches of steps; central restarts now and then, and so do stations. Steps interleave at
// random from one std::mt19937_64: enroll at a station, run an upload round, let held requests
// arrive, start a partition, restart. Then the network heals and stations upload until their
// outboxes are empty, and central must hold exactly what the stations saved, each once.
//
//   EKTP_SIM_SEEDS=N   run seeds 1..N (default 20 on SQLite, 3 on PostgreSQL)
//   EKTP_SIM_SEED=S    run seed S only (to replay a failure)
//   EKTP_SIM_STEPS=K   steps per run (default 100 on SQLite, 60 on PostgreSQL)
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <set>

#include "sim_network.h"
#include "sync/outbox.h"

namespace ektp::sync {
namespace {

using test::Central;
using test::FaultRates;
using test::NetStats;
using test::SimLink;
using test::Station;

constexpr std::int64_t kHourMs = 3'600'000;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && text[0] != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

// A version-4 UUID from the simulation's PRNG, so that a seed replays the same ids.
std::string seeded_uuid(std::mt19937_64& rng) {
  std::uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  std::string hex = fmt::format("{:016x}{:016x}", hi, lo);
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4), hex.substr(16, 4),
                     hex.substr(20));
}

struct SimStation {
  Station station;
  std::unique_ptr<SimLink> link;
  std::vector<std::string> residents;
  std::int64_t clock_offset_ms = 0;  // the station's clock is this far off
  int partition_until = -1;          // cut off while step < this
  std::vector<std::string> saved;    // enrollment ids the operator was told were saved
};

struct SimReport {
  int stations = 0;
  int enrollments = 0;
  int partitions = 0;
  int central_restarts = 0;
  int station_restarts = 0;
  int upload_errors = 0;
  int heal_rounds = 0;
  NetStats net;
};

// Districts with at least a few adults, busiest first.
std::vector<std::string> districts_of(store::Database& db, std::size_t count) {
  auto conn = db.connect();
  EXPECT_TRUE(conn.has_value());
  auto rows = (*conn)->execute(
      "SELECT district_code FROM persons WHERE alive = 1 AND birth_date < '2005-01-01' GROUP BY district_code "
      "HAVING COUNT(*) >= 5 ORDER BY COUNT(*) DESC, district_code LIMIT $1",
      {static_cast<std::int64_t>(count)});
  EXPECT_TRUE(rows.has_value());
  std::vector<std::string> out;
  for (const auto& row : rows->rows) out.push_back(row.text(0));
  return out;
}

std::map<std::string, std::int64_t> counts_by(store::Database& db, const std::string& sql) {
  auto conn = db.connect();
  auto rows = (*conn)->execute(sql);
  EXPECT_TRUE(rows.has_value()) << (rows ? "" : rows.error().message);
  std::map<std::string, std::int64_t> out;
  if (rows) {
    for (const auto& row : rows->rows) out[row.text(0)] = row.integer(1);
  }
  return out;
}

// Cheap invariants that must hold after every step: nothing at central twice, and every item a
// station holds a receipt for is at central.
void check_invariants(Central& central, std::vector<SimStation>& stations, int step) {
  SCOPED_TRACE(fmt::format("after step {}", step));
  auto applied = test::count_rows(central.db(), "SELECT COUNT(*) FROM sync_items");
  ASSERT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM enrollments"), applied);
  ASSERT_EQ(test::count_rows(central.db(), "SELECT COUNT(DISTINCT item_key) FROM sync_items"), applied);
  for (auto& s : stations) {
    auto delivered = test::count_rows(s.station.db(), "SELECT COUNT(*) FROM outbox WHERE delivered_at_ms <> 0");
    auto at_central = test::count_rows(central.db(), "SELECT COUNT(*) FROM sync_items WHERE station_id = $1",
                                       {s.station.identity.station_id});
    ASSERT_LE(delivered, at_central) << s.station.identity.station_id << " holds receipts central lacks";
    ASSERT_LE(at_central, static_cast<std::int64_t>(s.saved.size())) << s.station.identity.station_id;
  }
}

// After healing: central holds exactly the stations' enrollments, each once, with receipts that
// verify on both sides and one 'terkirim' per enrollment on each side.
void check_converged(Central& central, std::vector<SimStation>& stations) {
  std::set<std::string> saved;
  std::size_t total = 0;
  for (auto& s : stations) {
    total += s.saved.size();
    saved.insert(s.saved.begin(), s.saved.end());
  }
  ASSERT_EQ(saved.size(), total) << "an id was saved twice";
  auto central_ids = counts_by(central.db(), "SELECT enrollment_id, COUNT(*) FROM enrollments GROUP BY enrollment_id");
  std::set<std::string> at_central;
  for (const auto& [id, n] : central_ids) at_central.insert(id);
  EXPECT_EQ(at_central, saved) << "central does not hold exactly the saved enrollments";
  auto total64 = static_cast<std::int64_t>(total);
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM sync_items"), total64);
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(DISTINCT item_key) FROM sync_items"), total64);
  EXPECT_EQ(test::count_rows(central.db(), "SELECT COUNT(*) FROM sync_items WHERE outcome <> 'applied'"), 0);
  auto central_sent = counts_by(central.db(), "SELECT enrollment_id, COUNT(*) FROM status_timeline "
                                              "WHERE status = 'terkirim' GROUP BY enrollment_id");
  EXPECT_EQ(central_sent.size(), total);
  for (const auto& [id, n] : central_sent) EXPECT_EQ(n, 1) << "central terkirim for " << id;
  for (auto& s : stations) {
    const auto& id = s.station.identity.station_id;
    SCOPED_TRACE(id);
    auto summary = outbox_summary(s.station.db());
    ASSERT_OK(summary);
    EXPECT_EQ(summary->pending, 0);
    EXPECT_EQ(summary->delivered, static_cast<std::int64_t>(s.saved.size()));
    auto rows = list_outbox(s.station.db(), false, s.saved.size() + 10);
    ASSERT_OK(rows);
    ASSERT_EQ(rows->size(), s.saved.size());
    for (const auto& row : *rows) {
      auto receipt = receipt_from_json(row.receipt);
      ASSERT_OK(receipt);
      EXPECT_TRUE(verify_receipt(*receipt, s.station.identity.central_public_key_hex)) << "seq " << row.seq;
      EXPECT_EQ(receipt->seq, row.seq);
      EXPECT_EQ(receipt->item_key, row.item_key);
      EXPECT_EQ(row.outcome, "applied");
    }
    EXPECT_EQ(test::count_rows(central.db(), "SELECT last_seq FROM stations WHERE station_id = $1", {id}),
              static_cast<std::int64_t>(s.saved.size()));
    auto station_sent = counts_by(s.station.db(), "SELECT enrollment_id, COUNT(*) FROM status_timeline "
                                                  "WHERE status = 'terkirim' GROUP BY enrollment_id");
    EXPECT_EQ(station_sent.size(), s.saved.size());
    for (const auto& e : s.saved) EXPECT_EQ(station_sent[e], 1) << "station terkirim for " << e;
    EXPECT_EQ(test::count_rows(s.station.db(), "SELECT COUNT(*) FROM enrollments WHERE status <> 'terkirim'"), 0);
  }
}

void run_simulation(store::Backend backend, std::uint64_t seed, int steps, const std::string& filter) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  std::vector<std::string> events;  // what happened, printed when the run fails
  auto note = [&](int step, std::string what) { events.push_back(fmt::format("{:3} {}", step, what)); };

  SimReport report;
  std::int64_t central_now = test::kCentralNowMs;
  Central central = test::make_central(backend);
  ASSERT_NE(central.ingest, nullptr);
  auto districts = districts_of(central.db(), 3);
  ASSERT_FALSE(districts.empty());

  FaultRates rates{chance(0.05, 0.25), chance(0.05, 0.25), chance(0.05, 0.25), chance(0.05, 0.25)};
  std::vector<SimStation> stations(static_cast<std::size_t>(uniform(3, 5)));
  report.stations = static_cast<int>(stations.size());
  for (std::size_t i = 0; i < stations.size(); ++i) {
    auto& s = stations[i];
    const auto& district = districts[i % districts.size()];
    s.station = test::make_station(central, fmt::format("st-sim-{}", i + 1), district);
    s.residents = test::residents_of(central.db(), district, 12);
    ASSERT_FALSE(s.residents.empty());
    // Station 1 is always hours off; the others may be, ahead or behind.
    int hours = i == 0 ? uniform(3, 13) * (uniform(0, 1) == 0 ? -1 : 1) : uniform(-13, 13) * uniform(0, 1);
    s.clock_offset_ms = hours * kHourMs;
    s.link = std::make_unique<SimLink>(central, s.station, rng, report.net, [&] { return central_now; });
    s.link->rates = rates;
  }
  note(0, fmt::format("{} stations; rates lose_request {:.2f} lose_response {:.2f} duplicate {:.2f} hold {:.2f}",
                      stations.size(), rates.lose_request, rates.lose_response, rates.duplicate, rates.hold));

  auto upload_round = [&](SimStation& s, std::size_t items_max, int step) -> Result<UploadRound> {
    Uploader uploader(s.station.db(), s.station.identity, *s.link);
    auto round = uploader.upload_once(items_max);
    if (round && round->sent == 0) {
      note(step, fmt::format("{} upload: nothing pending", s.station.identity.station_id));
    } else if (round) {
      note(step, fmt::format("{} upload ≤{}: sent {} receipts {} pending {}", s.station.identity.station_id,
                             items_max, round->sent, round->receipts, round->pending_after));
    } else {
      note(step, fmt::format("{} upload ≤{}: {}", s.station.identity.station_id, items_max, round.error().message));
    }
    return round;
  };

  for (int step = 1; step <= steps && !::testing::Test::HasFatalFailure(); ++step) {
    central_now += 1000;
    for (auto& s : stations) s.link->partitioned = step < s.partition_until;
    auto& s = stations[static_cast<std::size_t>(uniform(0, static_cast<int>(stations.size()) - 1))];
    const auto& sid = s.station.identity.station_id;
    int action = uniform(0, 99);
    if (action < 40) {  // an operator enrolls a resident
      const auto& nik = s.residents[static_cast<std::size_t>(uniform(0, static_cast<int>(s.residents.size()) - 1))];
      const auto& set = test::fingerprint_sets()[static_cast<std::size_t>(uniform(0, 4))];
      auto e = test::compact_enrollment(s.station, seeded_uuid(rng), nik, set);
      e.captured_at_ms = central_now + s.clock_offset_ms;
      auto seq = save_enrollment_with_outbox(s.station.db(), e, central_now + s.clock_offset_ms);
      ASSERT_OK(seq);
      s.saved.push_back(e.enrollment_id);
      ++report.enrollments;
      note(step, fmt::format("{} saves {} as seq {}", sid, e.enrollment_id.substr(0, 8), *seq));
    } else if (action < 70) {  // the station's sync loop runs a few rounds
      for (int rounds = uniform(1, 3); rounds > 0; --rounds) {
        auto round = upload_round(s, static_cast<std::size_t>(uniform(1, 6)), step);
        if (round) continue;
        ++report.upload_errors;
        // Faults show as an unreachable central, or as the refusal of a replayed copy whose answer
        // the station happened to hear. Never as lost or contradicting data.
        EXPECT_TRUE(round.error().code == ErrorCode::kUnavailable ||
                    round.error().code == ErrorCode::kUnauthenticated)
            << round.error().message;
      }
    } else if (action < 82) {  // held requests arrive late, out of order
      if (s.link->held() > 0) {
        auto n = static_cast<std::size_t>(uniform(1, static_cast<int>(s.link->held())));
        note(step, fmt::format("{}: {} of {} held requests arrive late", sid, n, s.link->held()));
        s.link->deliver_held(n);
      }
    } else if (action < 90) {  // a partition
      if (step >= s.partition_until) {
        s.partition_until = step + uniform(5, 30);
        ++report.partitions;
        note(step, fmt::format("{} cut off until step {}", sid, s.partition_until));
      }
    } else if (action < 96) {  // central restarts
      ASSERT_OK(test::restart_central(central));
      ++report.central_restarts;
      note(step, "central restarts");
    } else {  // the station restarts
      ASSERT_OK(s.station.database->reopen());
      ++report.station_restarts;
      note(step, fmt::format("{} restarts", sid));
    }
    check_invariants(central, stations, step);
  }

  // Heal: partitions end, no more faults; late copies still in the network arrive; stations
  // upload until their outboxes are empty.
  note(steps, "network heals");
  for (auto& s : stations) {
    s.partition_until = -1;
    s.link->partitioned = false;
    s.link->rates = {};
    s.link->deliver_held(s.link->held());
  }
  for (bool pending = true; pending && report.heal_rounds < 500 && !::testing::Test::HasFatalFailure();) {
    ++report.heal_rounds;
    pending = false;
    for (auto& s : stations) {
      auto round = upload_round(s, 16, steps + report.heal_rounds);
      ASSERT_OK(round);
      pending = pending || round->pending_after > 0;
    }
  }
  check_invariants(central, stations, steps + report.heal_rounds);
  check_converged(central, stations);

  const auto& n = report.net;
  std::cout << fmt::format(
      "sim seed {} ({}): {} stations, {} steps, {} enrollments, {} at central; {} requests: {} lost, {} answers "
      "lost, {} duplicated, {} held back ({} delivered late), {} copies refused as replays, {} stale resent; {} "
      "partitions ({} requests cut off); {} central restarts, {} station restarts; converged in {} rounds\n",
      seed, backend == store::Backend::kSQLite ? "SQLite" : "PostgreSQL", report.stations, steps, report.enrollments,
      test::count_rows(central.db(), "SELECT COUNT(*) FROM enrollments"), n.requests, n.lost_requests,
      n.lost_responses, n.duplicated, n.held, n.late_delivered, n.replays_refused, n.stale_resent, report.partitions,
      n.partitioned, report.central_restarts, report.station_restarts, report.heal_rounds);
  if (::testing::Test::HasFailure()) {
    std::cout << fmt::format("sim seed {} FAILED; replay: EKTP_SIM_SEED={} EKTP_SIM_STEPS={} "
                             "./build/tests/sync/ektp_sync_tests --gtest_filter='{}'\n  last events:\n",
                             seed, seed, steps, filter);
    for (std::size_t i = events.size() > 60 ? events.size() - 60 : 0; i < events.size(); ++i) {
      std::cout << "  " << events[i] << "\n";
    }
  }
}

void run_seeds(store::Backend backend, std::uint64_t default_seeds, int default_steps) {
  if (auto reason = test::backend_unavailable_reason(backend)) GTEST_SKIP() << *reason;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string filter = fmt::format("{}.{}", info->test_suite_name(), info->name());
  int steps = static_cast<int>(env_number("EKTP_SIM_STEPS", static_cast<std::uint64_t>(default_steps)));
  std::vector<std::uint64_t> seeds;
  if (std::uint64_t one = env_number("EKTP_SIM_SEED", 0); one != 0) {
    seeds.push_back(one);
  } else {
    for (std::uint64_t s = 1; s <= env_number("EKTP_SIM_SEEDS", default_seeds); ++s) seeds.push_back(s);
  }
  for (auto seed : seeds) {
    SCOPED_TRACE(fmt::format("seed {} — replay: EKTP_SIM_SEED={} EKTP_SIM_STEPS={} "
                             "./build/tests/sync/ektp_sync_tests --gtest_filter='{}'",
                             seed, seed, steps, filter));
    run_simulation(backend, seed, steps, filter);
    if (::testing::Test::HasFailure()) break;  // the first failing seed is the one to replay
  }
}

TEST(SyncSimulation, StationsAndCentralConvergeThroughFaults_SQLite) {
  run_seeds(store::Backend::kSQLite, 20, 100);
}

TEST(SyncSimulation, StationsAndCentralConvergeThroughFaults_PostgreSQL) {
  run_seeds(store::Backend::kPostgreSQL, 3, 60);
}

}  // namespace
}  // namespace ektp::sync
