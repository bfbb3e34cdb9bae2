// The ledger of agency calls on SQLite and PostgreSQL: calls from many threads are committed in
// groups with each counted and audited once, the quota refuses within a group without stopping
// the others and writes nothing for them, a sweep suspends the key inside the call that gave it
// away, a database error fails the whole group with nothing written, old lookups are pruned,
// and a stopping ledger writes what is queued.
#include "agency/agency_call_ledger.h"

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "agency/agency_keys.h"
#include "agency/harvest_watch.h"
#include "agency_fixture.h"

namespace ektp::agency {
namespace {

using test_fixture::AgencyTest;
using test_fixture::kDayMs;
using test_fixture::kNowMs;

class AgencyCallLedgerTest : public AgencyTest {
 protected:
  void SetUp() override {
    AgencyTest::SetUp();
    if (IsSkipped()) return;
    auto key = issue_api_key(db(), "bpjs-kesehatan", "utama", test_fixture::kAdmin);
    ASSERT_OK(key);
    key_ = *key;
  }
  AgencyCallRecord call(int serial, std::int64_t quota = 1000, std::int64_t at_ms = kNowMs) const {
    const std::string nik = fmt::format("332701410190{:04}", serial);
    return {"bpjs-kesehatan", quota, key_.key_id, nik, true, at_ms,
            {at_ms, "agency:bpjs-kesehatan", "agency.verify", nik, "purpose verifikasi peserta JKN"}};
  }
  std::int64_t count(const std::string& sql) {
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto rows = (*conn)->execute(sql, {});
    EXPECT_OK(rows);
    return rows && !rows->rows.empty() ? rows->rows.front().integer(0) : -1;
  }
  // Queues every call at once and waits for all their outcomes.
  std::vector<Result<AgencyCallOutcome>> record_all(AgencyCallLedger& ledger, std::vector<AgencyCallRecord> calls) {
    std::vector<std::promise<Result<AgencyCallOutcome>>> promises(calls.size());
    for (std::size_t i = 0; i < calls.size(); ++i) {
      ledger.record_then(std::move(calls[i]), [&promises, i](Result<AgencyCallOutcome> outcome) {
        promises[i].set_value(std::move(outcome));
      });
    }
    std::vector<Result<AgencyCallOutcome>> out;
    for (auto& p : promises) out.push_back(p.get_future().get());
    return out;
  }
  IssuedKey key_;
};

TEST_P(AgencyCallLedgerTest, CallsFromManyThreadsAreCommittedInGroupsEachCountedOnce) {
  AgencyCallLedger ledger(db());
  constexpr int kThreads = 8, kCallsEach = 40;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsEach; ++i) {
        // Spread serials: no sweep.
        if (!ledger.record(call((t * kCallsEach + i) * 7 + 1))) ++failed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(count("SELECT calls FROM agency_usage"), kThreads * kCallsEach);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'agency.verify'"), kThreads * kCallsEach);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_lookups"), kThreads * kCallsEach);
  EXPECT_EQ(count("SELECT SUM(calls) FROM agency_call_buckets"), kThreads * kCallsEach);
  // Queued all at once, 300 calls take far fewer transactions than calls.
  const auto before = ledger.groups_committed();
  std::vector<AgencyCallRecord> many;
  for (int i = 0; i < 300; ++i) many.push_back(call(5000 + i * 3));
  for (const auto& outcome : record_all(ledger, std::move(many))) EXPECT_OK(outcome);
  EXPECT_LT(ledger.groups_committed() - before, 100u);
  EXPECT_EQ(count("SELECT calls FROM agency_usage"), kThreads * kCallsEach + 300);
}

TEST_P(AgencyCallLedgerTest, TheQuotaRefusesWithinAGroupAndWritesNothingForTheRefused) {
  AgencyCallLedger ledger(db());
  std::vector<AgencyCallRecord> calls;
  for (int i = 0; i < 8; ++i) calls.push_back(call(1 + i * 11, /*quota=*/5));
  auto outcomes = record_all(ledger, std::move(calls));
  int counted = 0, refused = 0;
  for (const auto& outcome : outcomes) {
    if (outcome) {
      ++counted;
      EXPECT_EQ(outcome->use.quota, 5);
      EXPECT_LE(outcome->use.calls_today, 5);
    } else {
      ++refused;
      EXPECT_EQ(outcome.error().reason, agency_reason::kQuotaExceeded);
    }
  }
  EXPECT_EQ(counted, 5);
  EXPECT_EQ(refused, 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'agency.verify'"), 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_lookups"), 5);
  EXPECT_EQ(count("SELECT SUM(calls) FROM agency_call_buckets"), 5);
}

TEST_P(AgencyCallLedgerTest, ASweepSuspendsTheKeyInsideTheCallThatGaveItAway) {
  AgencyCallLedger ledger(db());
  for (int serial = 1; serial < static_cast<int>(kSweepRun); ++serial) {
    auto outcome = ledger.record(call(serial));
    ASSERT_OK(outcome);
    EXPECT_FALSE(outcome->suspended_for.has_value()) << serial;
  }
  auto tenth = ledger.record(call(static_cast<int>(kSweepRun)));
  ASSERT_OK(tenth);
  ASSERT_TRUE(tenth->suspended_for.has_value());
  EXPECT_NE(tenth->suspended_for->find("consecutive"), std::string::npos) << *tenth->suspended_for;
  EXPECT_EQ(count("SELECT suspended FROM agency_api_keys"), 1);
  EXPECT_EQ(audited("alert.agency_harvest").size(), 1u);
  EXPECT_EQ(audited("agency.key_suspend").size(), 1u);
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto refused = authenticate_agency_key(**conn, key_.secret, kNowMs);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, agency_reason::kKeySuspended);
}

TEST_P(AgencyCallLedgerTest, ASweepWithinOneGroupIsCaughtByTheKeysLastCallInIt) {
  AgencyCallLedger ledger(db());
  std::vector<AgencyCallRecord> calls;
  for (int serial = 1; serial <= 12; ++serial) calls.push_back(call(serial));
  auto outcomes = record_all(ledger, std::move(calls));
  int suspended = 0;
  for (const auto& outcome : outcomes) {
    ASSERT_OK(outcome);
    if (outcome->suspended_for) ++suspended;
  }
  EXPECT_GE(suspended, 1) << "however the calls were grouped";
  EXPECT_EQ(count("SELECT suspended FROM agency_api_keys"), 1);
  EXPECT_EQ(audited("alert.agency_harvest").size(), static_cast<std::size_t>(suspended));
}

TEST_P(AgencyCallLedgerTest, ADatabaseErrorFailsTheWholeGroupWithNothingWritten) {
  {
    auto conn = db().connect();
    ASSERT_OK(conn);
    ASSERT_OK((*conn)->execute("DROP TABLE agency_lookups", {}));
  }
  AgencyCallLedger ledger(db());
  std::vector<AgencyCallRecord> calls;
  for (int i = 0; i < 4; ++i) calls.push_back(call(1 + i * 11));
  for (const auto& outcome : record_all(ledger, std::move(calls))) {
    ASSERT_FALSE(outcome.has_value());
    EXPECT_NE(outcome.error().code, ErrorCode::kResourceExhausted);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_usage"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'agency.verify'"), 0);
}

TEST_P(AgencyCallLedgerTest, LookupsAndBucketsPastTheirKeepingArePruned) {
  {
    auto conn = db().connect();
    ASSERT_OK(conn);
    ASSERT_OK(record_lookup(**conn, key_.key_id, "3327014101900001", true, kNowMs - (kLookupKeepDays + 1) * kDayMs));
    ASSERT_OK(record_lookup(**conn, key_.key_id, "3327014101900002", true, kNowMs - (kLookupKeepDays - 1) * kDayMs));
  }
  AgencyCallLedger ledger(db());
  ASSERT_OK(ledger.record(call(500)));
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_lookups"), 2) << "the old one gone, the recent one and the call kept";
}

TEST_P(AgencyCallLedgerTest, AStoppingLedgerWritesWhatIsQueued) {
  std::atomic<int> done{0};
  {
    AgencyCallLedger ledger(db());
    for (int i = 0; i < 50; ++i) {
      ledger.record_then(call(1 + i * 13), [&done](Result<AgencyCallOutcome> outcome) {
        if (outcome) ++done;
      });
    }
  }
  EXPECT_EQ(done.load(), 50);
  EXPECT_EQ(count("SELECT calls FROM agency_usage"), 50);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AgencyCallLedgerTest);

}  // namespace
}  // namespace ektp::agency
