// Deaths, marriages and divorces recorded at a station's desk, offline: the working copy changes
// at once, the event waits in the outbox in the same transaction, and central applies the same
// request with its own checks once, or rejects it with the reason. Central on both back ends.
#include "sync_fixture.h"

#include <boost/json.hpp>

#include "registry/civil_registry.h"
#include "registry/event_json.h"
#include "sync/civil_event_items.h"
#include "sync/desk_item.h"
#include "sync/outbox.h"
#include "sync/station_identity.h"

namespace ektp::sync {
namespace {

using test::kCentralNowMs;

constexpr CivilDate kEventDate{std::chrono::year{2026}, std::chrono::November, std::chrono::day{10}};

registry::WriteContext desk(std::string key) {
  return registry::WriteContext{{"operator", Role::kOperator},
                                std::chrono::system_clock::time_point(std::chrono::milliseconds(kCentralNowMs - 3'600'000)),
                                std::move(key), access::sha256_hex("body of " + key)};
}

class StationCivilEventTest : public test::StationCentralTest {
 protected:
  void SetUp() override {
    StationCentralTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(test::pull_working_copy(central, station));
  }

  // Living, unmarried adults of the district of one sex, as the working copy has them.
  std::vector<Person> single_adults(Sex sex, std::size_t count) {
    auto conn = station.db().connect();
    EXPECT_TRUE(conn.has_value());
    auto rows = (*conn)->execute(
        "SELECT p.nik FROM persons p JOIN families f ON f.kk_number = p.kk_number WHERE f.district_code = $1 AND "
        "p.alive = 1 AND p.birth_date < '2006-01-01' ORDER BY p.nik",
        {district});
    EXPECT_TRUE(rows.has_value());
    std::vector<Person> out;
    for (const auto& row : rows->rows) {
      auto p = registry::load_person(**conn, row.text(0));
      if (p && p->sex == sex && p->marital_status == MaritalStatus::kBelumKawin) out.push_back(*p);
      if (out.size() == count) break;
    }
    return out;
  }

  Person at(store::Database& db, const std::string& nik) {
    auto conn = db.connect();
    EXPECT_TRUE(conn.has_value());
    auto p = registry::load_person(**conn, nik);
    EXPECT_TRUE(p.has_value()) << nik;
    return p.value_or(Person{});
  }

  // Uploads everything and returns the outbox, oldest first.
  std::vector<OutboxRow> deliver() {
    test::LoopbackLink link(central, station);
    Uploader uploader(station.db(), station.identity, link);
    EXPECT_TRUE(uploader.upload_once().has_value());
    auto rows = list_outbox(station.db(), false, 50);
    EXPECT_TRUE(rows.has_value());
    std::vector<OutboxRow> out(rows->rbegin(), rows->rend());
    return out;
  }
};

TEST_P(StationCivilEventTest, OfflineDeathReachesCentralOnce) {
  const auto people = single_adults(Sex::kMale, 1);
  ASSERT_EQ(people.size(), 1u);
  const std::string nik = people[0].nik;
  const registry::DeathRequest death{nik, kEventDate, "Pemalang", {{"surat_keterangan_kematian", "SKK/7/2026"}}};
  auto saved = save_death_with_outbox(station.db(), station.identity.station_id, desk("desk-death-1"), death);
  ASSERT_OK(saved);
  EXPECT_EQ(saved->outbox_seq, 1);
  EXPECT_FALSE(at(station.db(), nik).alive);  // the desk sees it at once
  EXPECT_TRUE(at(central.db(), nik).alive);   // central only once it arrives
  // The desk retries: the same event, no second item.
  auto again = save_death_with_outbox(station.db(), station.identity.station_id, desk("desk-death-1"), death);
  ASSERT_OK(again);
  EXPECT_TRUE(again->event.replayed);
  EXPECT_EQ(again->outbox_seq, 0);
  const auto rows = deliver();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "death");
  EXPECT_EQ(rows[0].outcome, "applied") << rows[0].receipt;
  const Person dead = at(central.db(), nik);
  EXPECT_FALSE(dead.alive);
  ASSERT_TRUE(dead.death_date.has_value());
  EXPECT_EQ(*dead.death_date, kEventDate);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM audit_log WHERE action = 'event.death' AND subject = $1 AND "
                         "actor = 'operator@st-pml-1'",
                         {nik}),
            1);
}

TEST_P(StationCivilEventTest, ADeathCentralAlreadyHasIsRejectedWithTheReason) {
  const auto people = single_adults(Sex::kFemale, 1);
  ASSERT_EQ(people.size(), 1u);
  const std::string nik = people[0].nik;
  const registry::DeathRequest death{nik, kEventDate, "Pemalang", {}};
  {  // Meanwhile the Dinas recorded the death at central.
    registry::CivilRegistry civil(central.db(), RegionDirectory::builtin());
    registry::WriteContext dinas{{"petugas-dinas", Role::kOperator},
                                 std::chrono::system_clock::time_point(std::chrono::milliseconds(kCentralNowMs)),
                                 "dinas-death-1", "dinas"};
    ASSERT_OK(civil.register_death(dinas, death));
  }
  ASSERT_OK(save_death_with_outbox(station.db(), station.identity.station_id, desk("desk-death-2"), death));
  const auto rows = deliver();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].outcome, "rejected");
  EXPECT_THAT(rows[0].receipt, ::testing::HasSubstr("recorded as deceased"));
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM audit_log WHERE action = 'event.death' AND subject = $1", {nik}), 1);
}

TEST_P(StationCivilEventTest, ARejectedDeathIsUndoneByTheNextPull) {
  // The Dinas recorded the death with another date; the desk's record is rejected, and the
  // working copy must end up with central's date, not keep its own.
  const auto people = single_adults(Sex::kMale, 1);
  ASSERT_EQ(people.size(), 1u);
  const std::string nik = people[0].nik;
  constexpr CivilDate kDinasDate{std::chrono::year{2026}, std::chrono::November, std::chrono::day{2}};
  {
    registry::CivilRegistry civil(central.db(), RegionDirectory::builtin());
    registry::WriteContext dinas{{"petugas-dinas", Role::kOperator},
                                 std::chrono::system_clock::time_point(std::chrono::milliseconds(kCentralNowMs)),
                                 "dinas-death-2", "dinas"};
    ASSERT_OK(civil.register_death(dinas, {nik, kDinasDate, "Semarang", {}}));
  }
  ASSERT_OK(save_death_with_outbox(station.db(), station.identity.station_id, desk("desk-death-4"),
                                   {nik, kEventDate, "Pemalang", {}}));
  EXPECT_EQ(at(station.db(), nik).death_date, kEventDate);
  const auto rows = deliver();
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].outcome, "rejected");
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM persons WHERE nik = $1 AND version = -1", {nik}), 1);
  auto identity = load_station_identity(station.db());
  ASSERT_OK(identity);
  ASSERT_TRUE(identity->has_value());
  EXPECT_EQ((*identity)->persons_cursor_ms, 0);  // the next pull re-reads the district
  ASSERT_OK(test::pull_working_copy(central, station));
  EXPECT_EQ(at(station.db(), nik).death_date, kDinasDate);
  EXPECT_EQ(at(station.db(), nik).version, at(central.db(), nik).version);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM persons WHERE version = -1"), 0);
}

TEST_P(StationCivilEventTest, ARejectedMarriageIsUndoneByTheNextPull) {
  const auto men = single_adults(Sex::kMale, 2);
  const auto women = single_adults(Sex::kFemale, 1);
  ASSERT_EQ(men.size(), 2u);
  ASSERT_EQ(women.size(), 1u);
  const std::string wife = women[0].nik;
  {  // Meanwhile she married another man at central.
    registry::CivilRegistry civil(central.db(), RegionDirectory::builtin());
    registry::WriteContext dinas{{"petugas-dinas", Role::kOperator},
                                 std::chrono::system_clock::time_point(std::chrono::milliseconds(kCentralNowMs)),
                                 "dinas-marriage-1", "dinas"};
    ASSERT_OK(civil.register_marriage(dinas, {men[1].nik, wife, kEventDate, {}, std::nullopt}));
  }
  ASSERT_OK(save_marriage_with_outbox(station.db(), station.identity.station_id, RegionDirectory::builtin(),
                                      desk("desk-marriage-3"), {men[0].nik, wife, kEventDate, {}, std::nullopt}));
  const auto rows = deliver();
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].outcome, "rejected");
  EXPECT_THAT(rows[0].receipt, ::testing::HasSubstr("recorded as married"));
  ASSERT_OK(test::pull_working_copy(central, station));
  // The station's would-be husband is single again, as at central; the wife is on central's card.
  EXPECT_EQ(at(station.db(), men[0].nik).marital_status, MaritalStatus::kBelumKawin);
  EXPECT_EQ(at(station.db(), wife).kk_number, at(central.db(), wife).kk_number);
  EXPECT_EQ(at(station.db(), men[0].nik).version, at(central.db(), men[0].nik).version);
}

TEST_P(StationCivilEventTest, MarriageThenDivorceArriveInOrder) {
  const auto men = single_adults(Sex::kMale, 1);
  const auto women = single_adults(Sex::kFemale, 1);
  ASSERT_EQ(men.size(), 1u);
  ASSERT_EQ(women.size(), 1u);
  const std::string husband = men[0].nik, wife = women[0].nik;
  registry::MarriageRequest marriage{husband, wife, kEventDate, {{"buku_nikah", "BN/12/2026"}}, std::nullopt};
  auto married = save_marriage_with_outbox(station.db(), station.identity.station_id, RegionDirectory::builtin(),
                                           desk("desk-marriage-1"), marriage);
  ASSERT_OK(married);
  EXPECT_EQ(at(station.db(), wife).marital_status, MaritalStatus::kKawin);
  const registry::DivorceRequest divorce{husband, wife, kEventDate, {{"akta_cerai", "AC/3/2026"}}};
  ASSERT_OK(save_divorce_with_outbox(station.db(), station.identity.station_id, desk("desk-divorce-1"), divorce));
  const auto rows = deliver();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].kind, "marriage");
  EXPECT_EQ(rows[0].outcome, "applied") << rows[0].receipt;
  EXPECT_EQ(rows[1].kind, "divorce");
  EXPECT_EQ(rows[1].outcome, "applied") << rows[1].receipt;
  EXPECT_EQ(at(central.db(), husband).marital_status, MaritalStatus::kCeraiHidup);
  EXPECT_EQ(at(central.db(), wife).marital_status, MaritalStatus::kCeraiHidup);
}

TEST_P(StationCivilEventTest, AMarriageWithANewFamilyCardIsRefusedAtTheDesk) {
  const auto men = single_adults(Sex::kMale, 1);
  const auto women = single_adults(Sex::kFemale, 1);
  ASSERT_EQ(men.size(), 1u);
  ASSERT_EQ(women.size(), 1u);
  registry::MarriageRequest marriage{men[0].nik, women[0].nik, kEventDate, {},
                                     registry::AddressInput{"Jl. Melati 3", "001", "002", district + "2001"}};
  auto refused = save_marriage_with_outbox(station.db(), station.identity.station_id, RegionDirectory::builtin(),
                                           desk("desk-marriage-2"), marriage);
  EXPECT_ERROR(refused, ErrorCode::kFailedPrecondition, "new_family");
  EXPECT_EQ(at(station.db(), women[0].nik).marital_status, MaritalStatus::kBelumKawin);
  EXPECT_EQ(outbox_summary(station.db())->pending, 0);
}

TEST_P(StationCivilEventTest, ItemsThatAreNotTheStationsOwnAreRefusedAndNothingStored) {
  const auto people = single_adults(Sex::kMale, 2);
  ASSERT_EQ(people.size(), 2u);
  auto stations = list_stations(central.db());
  ASSERT_OK(stations);
  const StationRecord& record = stations->front();
  const auto handler = make_death_handler();
  const registry::DeathRequest death{people[0].nik, kEventDate, "Pemalang", {}};
  const auto ctx = desk("desk-death-3");
  const std::string payload = desk_item_payload(registry::death_request_json(death), "nik", people[0].nik, ctx);
  auto apply = [&](const OutboxItem& item) {
    return store::with_write_transaction<ItemResult>(
        central.db(), [&](store::Connection& c) { return handler(c, record, item, kCentralNowMs); });
  };
  const std::string key = civil_event_item_key("st-pml-1", kDeathKind, "desk-death-3");
  // Filed under another person's NIK, under another station's key, or with a broken request.
  EXPECT_ERROR(apply({1, key, "death", people[1].nik, payload, "", 0}), ErrorCode::kPermissionDenied, "not station");
  EXPECT_ERROR(apply({1, civil_event_item_key("st-other", kDeathKind, "desk-death-3"), "death", people[0].nik,
                      payload, "", 0}),
               ErrorCode::kPermissionDenied, "not station");
  auto broken = boost::json::parse(payload).as_object();
  broken["request"].as_object()["date"] = "2026-13-40";
  EXPECT_ERROR(apply({1, key, "death", people[0].nik, boost::json::serialize(broken), "", 0}),
               ErrorCode::kInvalidArgument, "request.date");
  EXPECT_ERROR(apply({1, key, "death", people[0].nik, "{not json", "", 0}), ErrorCode::kInvalidArgument, "");
  EXPECT_TRUE(at(central.db(), people[0].nik).alive);
  // The station's own item applies.
  EXPECT_OK(apply({1, key, "death", people[0].nik, payload, "", 0}));
  EXPECT_FALSE(at(central.db(), people[0].nik).alive);
}

EKTP_INSTANTIATE_FOR_BACKENDS(StationCivilEventTest);

}  // namespace
}  // namespace ektp::sync
