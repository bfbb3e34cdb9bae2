// Move-in (pindah datang) recorded at a station, offline: the family's persons are not in the
// working copy; the station gives the new family card's number from its KK lease and keeps the
// request in the outbox. Central checks the lease and applies the move with that number; the next
// pull brings the persons into the station's working copy. Central on both back ends.
#include "sync_fixture.h"

#include <boost/json.hpp>

#include "core/nik.h"
#include "registry/civil_registry.h"
#include "registry/person_store.h"
#include "sync/move_in_items.h"
#include "sync/outbox.h"

namespace ektp::sync {
namespace {

using test::kCentralNowMs;

constexpr CivilDate kMoveDate{std::chrono::year{2026}, std::chrono::November, std::chrono::day{20}};

registry::WriteContext desk(std::string key, std::int64_t now_ms = kCentralNowMs - 3'600'000) {
  return registry::WriteContext{{"operator", Role::kOperator},
                                std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms)),
                                std::move(key), access::sha256_hex("body of " + std::to_string(now_ms))};
}

class StationMoveInTest : public test::StationCentralTest {
 protected:
  void SetUp() override {
    StationCentralTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(test::pull_working_copy(central, station));
    auto conn = central.db().connect();
    // A whole family card of another district, everyone alive: the family that moves in.
    auto card = (*conn)->execute(
        "SELECT f.kk_number FROM families f WHERE f.district_code <> $1 AND f.active = 1 AND NOT EXISTS "
        "(SELECT 1 FROM persons p WHERE p.kk_number = f.kk_number AND p.alive = 0) AND "
        "(SELECT COUNT(*) FROM persons p WHERE p.kk_number = f.kk_number) >= 2 ORDER BY f.kk_number LIMIT 2",
        {district});
    ASSERT_OK(card);
    ASSERT_EQ(card->rows.size(), 2u);
    from_kk = card->rows[0].text(0);
    other_kk = card->rows[1].text(0);
    family = members_of(from_kk);
    auto village = (*conn)->execute("SELECT village_code FROM families WHERE district_code = $1 ORDER BY village_code "
                                    "LIMIT 1", {district});
    ASSERT_OK(village);
    home_village = village->rows[0].text(0);
    auto away = (*conn)->execute("SELECT village_code FROM families WHERE district_code <> $1 ORDER BY village_code "
                                 "LIMIT 1", {district});
    ASSERT_OK(away);
    away_village = away->rows[0].text(0);
  }

  std::vector<std::string> members_of(const std::string& kk) {
    auto conn = central.db().connect();
    auto rows = (*conn)->execute("SELECT nik FROM persons WHERE kk_number = $1 ORDER BY nik", {kk});
    EXPECT_TRUE(rows.has_value());
    std::vector<std::string> out;
    for (const auto& row : rows->rows) out.push_back(row.text(0));
    return out;
  }

  registry::MoveRequest move_of(std::vector<std::string> niks, std::string village = {}) {
    registry::MoveRequest r;
    r.niks = std::move(niks);
    r.date = kMoveDate;
    r.to = {"Jl. Melati 7", "3", "4", village.empty() ? home_village : village};
    r.documents = {{"skpwni", "SKPWNI/0042/2026"}};
    return r;
  }

  Result<StationMoveIn> save(const registry::WriteContext& ctx, const registry::MoveRequest& r) {
    return save_move_in_with_outbox(station.db(), station.identity.station_id, district, RegionDirectory::builtin(),
                                    ctx, r);
  }

  // Appends an item as a (dishonest) station could, bypassing the desk's checks.
  void append(const registry::MoveRequest& r, const std::string& kk, const std::string& key) {
    auto seq = store::with_write_transaction<std::int64_t>(station.db(), [&](store::Connection& c) {
      return append_outbox(c, {std::string(kMoveInKind), move_in_item_key("st-pml-1", key), r.niks.front(),
                               move_in_to_payload(r, kk, desk(key))},
                           kCentralNowMs);
    });
    ASSERT_OK(seq);
  }

  std::string from_kk, other_kk, home_village, away_village;
  std::vector<std::string> family;
};

TEST_P(StationMoveInTest, OfflineMoveInIsAppliedAtCentralWithTheAssignedKk) {
  for (const auto& nik : family) EXPECT_EQ(station_rows("SELECT COUNT(*) FROM persons WHERE nik = $1", {nik}), 0);
  auto request = move_of(family);
  auto saved = save(desk("move-1"), request);
  ASSERT_OK(saved);
  const std::string kk = saved->kk_number;
  EXPECT_TRUE(kk.starts_with(kk_prefix(district, desk("x").today()))) << kk;
  EXPECT_GE(std::stoi(kk.substr(12)), 9999 - kk_lease_size + 1);  // from the station's lease
  EXPECT_EQ(saved->outbox_seq, 1);
  EXPECT_FALSE(saved->replayed);
  // The desk retries: the same KK, nothing new. Another request under the key: refused.
  auto again = save(desk("move-1"), request);
  ASSERT_OK(again);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->kk_number, kk);
  EXPECT_EQ(again->outbox_seq, 1);
  auto changed = request;
  changed.to.street = "Jl. Mawar 1";
  EXPECT_ERROR(save(desk("move-1"), changed), ErrorCode::kAlreadyExists, "move-1");
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM outbox"), 1);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM families WHERE kk_number = $1", {kk}), 0);  // waits for central

  // Delivered, through a lost answer and a duplicate.
  auto rows = test::deliver_through_lost_answer_and_duplicate(central, station);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].outcome, "applied") << (*rows)[0].receipt;
  EXPECT_EQ((*rows)[0].kind, "move_in");

  // At central: everyone at the new address on the assigned card, one audited event.
  {
    auto conn = central.db().connect();
    for (const auto& nik : family) {
      auto person = registry::load_person(**conn, nik);
      ASSERT_OK(person);
      EXPECT_EQ(person->kk_number, kk);
      EXPECT_EQ(person->address.village_code, home_village);
      EXPECT_EQ(person->address.street, "Jl. Melati 7");
    }
    auto card = registry::load_family(**conn, kk);
    ASSERT_OK(card);
    EXPECT_TRUE(card->active);
  }
  const std::string key = move_in_item_key("st-pml-1", "move-1");
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM events WHERE type = 'move' AND idempotency_key = $1 AND actor = "
                         "'operator@st-pml-1'",
                         {"operator@st-pml-1|" + key}),
            1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM events WHERE type = 'move'"), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM sync_items WHERE kind = 'move_in' AND outcome = 'applied'"), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM families WHERE kk_number = $1 AND active = 0", {from_kk}), 1);

  // The next pull brings the family into the station's working copy.
  ASSERT_OK(test::pull_working_copy(central, station));
  for (const auto& nik : family) {
    EXPECT_EQ(station_rows("SELECT COUNT(*) FROM persons WHERE nik = $1 AND kk_number = $2", {nik, kk}), 1);
  }
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM families WHERE kk_number = $1", {kk}), 1);
}

TEST_P(StationMoveInTest, ExpiredOrMissingKkLeaseIsAClearErrorAndStoresNothing) {
  EXPECT_ERROR(save(desk("late", kCentralNowMs + lease_validity_ms + 1), move_of(family)),
               ErrorCode::kFailedPrecondition, "kk serial lease for district " + district + " expired on");
  {
    auto conn = station.db().connect();
    ASSERT_OK((*conn)->execute("DELETE FROM serial_leases WHERE kind = 'kk'"));
  }
  EXPECT_ERROR(save(desk("none"), move_of(family)), ErrorCode::kFailedPrecondition, "holds no kk serial lease");
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM serial_lease_use"), 0);
}

TEST_P(StationMoveInTest, BadMoveInsAreRefusedAtTheDeskWithNothingStored) {
  EXPECT_ERROR(save(desk("d1"), move_of(family, away_village)), ErrorCode::kInvalidArgument,
               "to.village_code: village " + away_village + " is not in this station's district");
  EXPECT_ERROR(save(desk("d2"), move_of(family, "9999999999")), ErrorCode::kInvalidArgument, "village_code");
  EXPECT_ERROR(save(desk("d3"), move_of({})), ErrorCode::kInvalidArgument, "niks");
  EXPECT_ERROR(save(desk("d4"), move_of({"12345"})), ErrorCode::kInvalidArgument, "niks[0]");
  EXPECT_ERROR(save(desk("d5"), move_of({family[0], family[0]})), ErrorCode::kInvalidArgument, "listed twice");
  auto future = move_of(family);
  future.date = CivilDate{std::chrono::year{2027}, std::chrono::January, std::chrono::day{1}};
  EXPECT_ERROR(save(desk("d6"), future), ErrorCode::kInvalidArgument, "date");
  auto assigned = move_of(family);
  assigned.assigned_kk_number = kk_prefix(district, kMoveDate) + "9999";
  EXPECT_ERROR(save(desk("d7"), assigned), ErrorCode::kInvalidArgument, "assigned_kk_number");
  EXPECT_ERROR(save(desk("bad key"), move_of(family)), ErrorCode::kInvalidArgument, "idempotency_key");
  auto adjudicator = desk("d8");
  adjudicator.actor.role = Role::kAdjudicator;
  EXPECT_ERROR(save(adjudicator, move_of(family)), ErrorCode::kPermissionDenied, "may not record");
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM serial_lease_use"), 0);
}

// Items the desk would not have made: a serial outside the lease, an unknown NIK, a deceased
// person, a destination outside the district. Each gets a rejected receipt, nothing of it is
// stored, and the good move-in behind them still arrives.
TEST_P(StationMoveInTest, ForgedOrInvalidMoveInItemsAreRejectedAndNothingStored) {
  const std::string prefix = "KK" + kk_prefix(district, desk("x").today());
  auto leased = [&] {
    auto conn = station.db().connect();
    auto serial = next_leased_serial(**conn, "kk", prefix, kCentralNowMs - 3'600'000);
    EXPECT_TRUE(serial.has_value());
    return format_kk_number(district, desk("x").today(), serial.value_or(1));
  };
  const std::string others = members_of(other_kk).front();
  {
    auto conn = central.db().connect();
    ASSERT_OK((*conn)->execute("UPDATE persons SET alive = 0, death_date = '2026-01-01' WHERE nik = $1", {others}));
  }
  append(move_of(family), format_kk_number(district, desk("x").today(), 1), "forged-serial");
  append(move_of({"3327019999990001"}), leased(), "unknown-nik");
  append(move_of({others}), leased(), "dead");
  append(move_of(family, away_village), leased(), "away");
  auto good = save(desk("good"), move_of(family));
  ASSERT_OK(good);

  test::LoopbackLink link(central, station);
  ASSERT_OK(Uploader(station.db(), station.identity, link).upload_once());
  auto rows = list_outbox(station.db(), false, 10);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[4].outcome, "rejected");
  EXPECT_THAT((*rows)[4].receipt,
              ::testing::HasSubstr("kk serial 1 in district " + district + " was not leased to station st-pml-1"));
  EXPECT_EQ((*rows)[3].outcome, "rejected");
  EXPECT_THAT((*rows)[3].receipt, ::testing::HasSubstr("3327019999990001"));
  EXPECT_EQ((*rows)[2].outcome, "rejected");
  EXPECT_THAT((*rows)[2].receipt, ::testing::HasSubstr("deceased"));
  EXPECT_EQ((*rows)[1].outcome, "rejected");
  EXPECT_THAT((*rows)[1].receipt, ::testing::HasSubstr("assigned_kk_number"));
  EXPECT_EQ((*rows)[0].outcome, "applied") << (*rows)[0].receipt;
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM events WHERE type = 'move'"), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM sync_items WHERE outcome = 'rejected'"), 4);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM persons WHERE nik = $1 AND kk_number = $2", {others, other_kk}), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM persons WHERE kk_number = $1", {good->kk_number}),
            static_cast<std::int64_t>(family.size()));
}

EKTP_INSTANTIATE_FOR_BACKENDS(StationMoveInTest);

}  // namespace
}  // namespace ektp::sync
