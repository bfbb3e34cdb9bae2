#include "registry/demo/demo_loader.h"

#include <chrono>
#include <cstdio>
#include <vector>

#include "registry/serial_allocator.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::registry::demo {
namespace {

constexpr CivilDate kToday{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{23}};

class DemoLoaderTest : public test::BackendTest {
 protected:
  void SetUp() override {
    test::BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
  }

  DemoOptions options(std::size_t persons, std::string regency = "3327") {
    DemoOptions o;
    o.regency_code = std::move(regency);
    o.persons = persons;
    o.seed = 11;
    o.today = kToday;
    return o;
  }

  std::int64_t count(const std::string& sql) {
    auto r = store::with_read_transaction<std::int64_t>(
        db(), [&](store::Connection& c) -> Result<std::int64_t> {
          auto q = c.execute(sql);
          if (!q) return std::unexpected(q.error());
          return q->rows.at(0).integer(0);
        });
    EXPECT_OK(r);
    return r ? *r : -1;
  }
};

TEST_P(DemoLoaderTest, StoresPersonsFamiliesAndSerials) {
  std::vector<std::size_t> progress;
  auto loaded = load_demo_population(
      db(), options(7'000), [&](std::size_t done, std::size_t total) {
        EXPECT_EQ(total, 7'000u);
        progress.push_back(done);
      });
  ASSERT_OK(loaded);
  EXPECT_EQ(*loaded, 7'000u);
  ASSERT_GE(progress.size(), 2u);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_EQ(progress.back(), 7'000u);

  EXPECT_EQ(count("SELECT COUNT(*) FROM persons"), 7'000);
  EXPECT_GT(count("SELECT COUNT(*) FROM families"), 1'400);
  // Every person belongs to a stored family, and every family's head is a stored person.
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons p LEFT JOIN families f "
                  "ON f.kk_number = p.kk_number WHERE f.kk_number IS NULL"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM families f LEFT JOIN persons p ON p.nik = f.head_nik "
                  "WHERE p.nik IS NULL OR p.relation <> 'kepala_keluarga'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons WHERE district_code <> substr(village_code, 1, 6) "
                  "OR length(birth_date) <> 10 OR name_key = '' OR sex NOT IN ('M', 'F')"), 0);
  EXPECT_GT(count("SELECT COUNT(*) FROM persons WHERE enrolled = 1"), 3'000);
  // Every NIK and KK serial is covered by its counter.
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons p LEFT JOIN serials s "
                  "ON s.prefix = substr(p.nik, 1, 12) WHERE s.last_serial IS NULL "
                  "OR s.last_serial < CAST(substr(p.nik, 13, 4) AS INTEGER)"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM families f LEFT JOIN serials s "
                  "ON s.prefix = 'KK' || substr(f.kk_number, 1, 12) WHERE s.last_serial IS NULL "
                  "OR s.last_serial < CAST(substr(f.kk_number, 13, 4) AS INTEGER)"), 0);
}

TEST_P(DemoLoaderTest, LaterBirthsGetTheNextFreeSerial) {
  ASSERT_OK(load_demo_population(db(), options(3'000)));
  auto nik = store::with_read_transaction<std::string>(
      db(), [](store::Connection& c) -> Result<std::string> {
        auto q = c.execute("SELECT nik FROM persons ORDER BY nik DESC LIMIT 1");
        if (!q) return std::unexpected(q.error());
        return q->rows.at(0).text(0);
      });
  ASSERT_OK(nik);
  int used = std::stoi(nik->substr(12));
  auto next = store::with_write_transaction<int>(
      db(), [&](store::Connection& c) { return next_serial(c, nik_serial_key(*nik)); });
  ASSERT_OK(next);
  EXPECT_GT(*next, used);
}

TEST_P(DemoLoaderTest, RefusesARegisterThatHasPersonsUnlessAllowed) {
  ASSERT_OK(load_demo_population(db(), options(2'000)));
  EXPECT_ERROR(load_demo_population(db(), options(2'000, "3328")),
               ErrorCode::kFailedPrecondition, "already has persons");
  DemoLoadOptions allow;
  allow.allow_existing_persons = true;
  auto second = load_demo_population(db(), options(2'000, "3328"), {}, allow);  // Kab. Tegal
  ASSERT_OK(second);
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons"), 4'000);
  // The same regency and seed again collides with its own NIKs.
  EXPECT_ERROR(load_demo_population(db(), options(2'000), {}, allow), ErrorCode::kAlreadyExists,
               "");
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons"), 4'000);
}

TEST_P(DemoLoaderTest, PassesOnTheGeneratorsErrors) {
  EXPECT_ERROR(load_demo_population(db(), options(0)), ErrorCode::kInvalidArgument, "persons");
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons"), 0);
}

// Speed, not correctness: run with --gtest_also_run_disabled_tests.
TEST_P(DemoLoaderTest, DISABLED_LoadSpeed) {
  auto start = std::chrono::steady_clock::now();
  ASSERT_OK(load_demo_population(db(), options(50'000)));
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  std::printf("demo load: 50000 persons in %.2f s\n", elapsed.count());
}

EKTP_INSTANTIATE_FOR_BACKENDS(DemoLoaderTest);

}  // namespace
}  // namespace ektp::registry::demo
