// Shared by the resident tests: a migrated database on SQLite or PostgreSQL with a few demo
// residents of Pemalang (3327), one of them `resident`, a hashing gate, and helpers that append
// audit entries as the rest of the server would.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "access/audit_log.h"
#include "access/login_throttle.h"
#include "core/civil_date.h"
#include "registry/demo/demo_loader.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::resident::test_fixture {

inline constexpr std::int64_t kNowMs = 1'795'400'000'000;  // 2026-11-23 09:13 WIB
inline constexpr std::int64_t kMinuteMs = 60'000;
inline constexpr std::int64_t kDayMs = 86'400'000;

struct DemoResident {
  std::string nik;
  std::string birth_date;  // YYYY-MM-DD
  std::string village_code;
};

class ResidentTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    registry::demo::DemoOptions demo;
    demo.regency_code = "3327";
    demo.persons = 20;
    demo.today = CivilDate{std::chrono::year{2026}, std::chrono::November, std::chrono::day{22}};
    ASSERT_OK(registry::demo::load_demo_population(db(), demo));
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto rows = (*conn)->execute("SELECT nik, birth_date, village_code FROM persons ORDER BY nik LIMIT 2");
    ASSERT_OK(rows);
    ASSERT_EQ(rows->rows.size(), 2u);
    resident = {rows->rows[0].text(0), rows->rows[0].text(1), rows->rows[0].text(2)};
    neighbour = {rows->rows[1].text(0), rows->rows[1].text(1), rows->rows[1].text(2)};
  }

  // Appends one audit entry as a route would; its seq.
  std::int64_t audit(std::string actor, std::string action, std::string subject, std::string detail = "",
                     std::int64_t at_ms = kNowMs) {
    EXPECT_OK(store::with_write_transaction<void>(db(), [&](store::Connection& c) -> Status {
      return access::append_audit(c, {at_ms, actor, action, subject, detail});
    }));
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto head = access::audit_chain_head(**conn);
    EXPECT_OK(head);
    return head ? head->seq : 0;
  }
  // How many audit entries of `action` name `subject`.
  std::int64_t audited(std::string_view action, std::string_view subject) {
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto rows = (*conn)->execute("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND subject = $2",
                                 {std::string(action), std::string(subject)});
    EXPECT_OK(rows);
    return rows ? rows->rows.front().integer(0) : -1;
  }
  // Every audit detail, joined: to check that no PIN is ever written there.
  std::string all_audit_text() {
    auto conn = db().connect();
    EXPECT_OK(conn);
    auto rows = (*conn)->execute("SELECT actor || ' ' || action || ' ' || subject || ' ' || detail FROM audit_log");
    EXPECT_OK(rows);
    std::string out;
    if (rows) {
      for (const auto& row : rows->rows) out += row.text(0) + "\n";
    }
    return out;
  }

  access::HashGate gate;
  DemoResident resident;
  DemoResident neighbour;
};

}  // namespace ektp::resident::test_fixture
