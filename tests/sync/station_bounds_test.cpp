// A station writes only for its own district and under its own operators' names: central refuses
// a death of a person living elsewhere and an item signed with a name that is not one of the
// station's operators, with a rejected receipt naming the rule and nothing written. The station
// is honest about its signature here; the items are forged in its outbox, as a tampered station
// would send them.
#include "sync_fixture.h"

#include <boost/json.hpp>

#include "registry/event_json.h"
#include "sync/civil_event_items.h"
#include "sync/desk_item.h"
#include "sync/outbox.h"

namespace ektp::sync {
namespace {

using test::kCentralNowMs;

constexpr CivilDate kEventDate{std::chrono::year{2026}, std::chrono::November, std::chrono::day{10}};

class StationBoundsTest : public test::StationCentralTest {
 protected:
  registry::WriteContext desk(std::string who, std::string key) {
    return registry::WriteContext{{std::move(who), Role::kOperator},
                                  std::chrono::system_clock::time_point(std::chrono::milliseconds(kCentralNowMs - 60'000)),
                                  std::move(key), access::sha256_hex("body of " + key)};
  }
  // Puts a death of `nik` into the station's outbox as the desk would, under `who`.
  void forge_death(const std::string& nik, const std::string& who, const std::string& key) {
    const registry::DeathRequest death{nik, kEventDate, "Pemalang", {{"surat_keterangan_kematian", "SKK/9/2026"}}};
    auto ctx = desk(who, key);
    auto conn = station.db().connect();
    ASSERT_OK(conn);
    ASSERT_OK(append_outbox(**conn,
                            {std::string(kDeathKind), civil_event_item_key(station.identity.station_id, kDeathKind, key),
                             nik, desk_item_payload(registry::death_request_json(death), "nik", nik, ctx)},
                            kCentralNowMs));
  }
  std::vector<OutboxRow> deliver() {
    test::LoopbackLink link(central, station);
    Uploader uploader(station.db(), station.identity, link);
    EXPECT_TRUE(uploader.upload_once().has_value());
    auto rows = list_outbox(station.db(), false, 50);
    EXPECT_TRUE(rows.has_value());
    return std::vector<OutboxRow>(rows->rbegin(), rows->rend());
  }
  std::string resident_elsewhere() {
    auto conn = central.db().connect();
    auto rows = (*conn)->execute(
        "SELECT nik FROM persons WHERE district_code <> $1 AND alive = 1 AND birth_date < '2000-01-01' ORDER BY nik "
        "LIMIT 1",
        {district});
    EXPECT_TRUE(rows.has_value() && !rows->rows.empty());
    return rows->rows[0].text(0);
  }
  std::int64_t alive(const std::string& nik) {
    return central_rows("SELECT COUNT(*) FROM persons WHERE nik = $1 AND alive = 1", {nik});
  }
};

TEST_P(StationBoundsTest, ADeathOutsideTheStationsDistrictIsRejected) {
  const std::string other = resident_elsewhere();
  forge_death(other, "operator", "desk-death-far");
  auto rows = deliver();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].outcome, "rejected");
  EXPECT_THAT(rows[0].receipt, ::testing::HasSubstr("outside_station_district"));
  EXPECT_EQ(alive(other), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM event_subjects WHERE nik = $1", {other}), 0);
}

TEST_P(StationBoundsTest, AnOperatorTheStationDoesNotHaveIsRejected) {
  const auto here = test::residents_of(central.db(), district, 2);
  ASSERT_EQ(here.size(), 2u);
  forge_death(here[0], "kepala.dinas", "desk-death-boss");
  forge_death(here[1], "operator", "desk-death-ok");  // the legitimate path still works
  auto rows = deliver();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].outcome, "rejected");
  EXPECT_THAT(rows[0].receipt, ::testing::HasSubstr("unknown_station_operator"));
  EXPECT_EQ(alive(here[0]), 1);
  EXPECT_EQ(rows[1].outcome, "applied") << rows[1].receipt;
  EXPECT_EQ(alive(here[1]), 0);
}

TEST_P(StationBoundsTest, AnEnrollmentOfAResidentElsewhereIsRejected) {
  auto e = test::compact_enrollment(station, random_uuid(), resident_elsewhere(), test::fingerprint_sets()[0]);
  ASSERT_OK(save_enrollment_with_outbox(station.db(), e, kCentralNowMs));
  auto boss = test::compact_enrollment(station, random_uuid(), test::residents_of(central.db(), district, 1)[0],
                                       test::fingerprint_sets()[1]);
  boss.operator_name = "kepala.dinas";
  ASSERT_OK(save_enrollment_with_outbox(station.db(), boss, kCentralNowMs));
  auto rows = deliver();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].receipt, ::testing::HasSubstr("outside_station_district"));
  EXPECT_THAT(rows[1].receipt, ::testing::HasSubstr("unknown_station_operator"));
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM enrollments"), 0);
}

// A forged request is refused before any write transaction: with another writer holding the
// lock, it is refused at once instead of waiting for the lock (SQLite: 5 s, then busy).
TEST_P(StationBoundsTest, AForgedRequestIsRefusedWithoutTakingTheWriteLock) {
  if (backend() != store::Backend::kSQLite) GTEST_SKIP() << "the write lock is SQLite's";
  auto writer = central.db().connect();
  ASSERT_OK(writer);
  ASSERT_OK((*writer)->execute("BEGIN IMMEDIATE", {}));
  const std::string text =
      request_signing_text("POST", test::kUploadTarget, station.identity.station_id, 999, access::sha256_hex("{}"));
  const auto started = std::chrono::steady_clock::now();
  auto forged = authenticate_station_request(central.db(), station.identity.station_id, 999, std::string(128, '0'),
                                             text, kCentralNowMs);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_OK((*writer)->execute("ROLLBACK", {}));
  EXPECT_ERROR(forged, ErrorCode::kUnauthenticated, "does not verify");
  EXPECT_LT(took, std::chrono::seconds(1));
}

EKTP_INSTANTIATE_FOR_BACKENDS(StationBoundsTest);

}  // namespace
}  // namespace ektp::sync
