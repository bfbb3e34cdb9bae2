// Births registered at a station, offline, with serials from the station's NIK lease: the birth
// and its outbox item in one transaction, delivered to central with the same NIK, checked against
// the leases there, and the working copy reconciled by the next pull. Central on both back ends.
#include "sync_fixture.h"

#include <set>

#include <boost/json.hpp>

#include "core/nik.h"
#include "registry/civil_registry.h"
#include "registry/serial_allocator.h"
#include "sync/birth_items.h"
#include "sync/outbox.h"

namespace ektp::sync {
namespace {

using test::kCentralNowMs;

constexpr CivilDate kBirthDate{std::chrono::year{2026}, std::chrono::November, std::chrono::day{20}};

std::chrono::system_clock::time_point at_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

// Women of `district` old enough to be mothers, whose family card is in that district.
std::vector<std::string> mothers_of(store::Database& db, const std::string& district, std::size_t count) {
  auto conn = db.connect();
  EXPECT_TRUE(conn.has_value());
  auto rows = (*conn)->execute(
      "SELECT p.nik FROM persons p JOIN families f ON f.kk_number = p.kk_number WHERE f.district_code = $1 AND "
      "p.sex = 'F' AND p.alive = 1 AND p.birth_date BETWEEN '1980-01-01' AND '2004-01-01' ORDER BY p.nik LIMIT $2",
      {district, static_cast<std::int64_t>(count)});
  EXPECT_TRUE(rows.has_value());
  std::vector<std::string> out;
  for (const auto& row : rows->rows) out.push_back(row.text(0));
  return out;
}

registry::BirthRequest birth_of(const std::string& mother, std::string name, Sex sex = Sex::kFemale) {
  registry::BirthRequest r;
  r.name = std::move(name);
  r.birth_place = "Pemalang";
  r.birth_date = kBirthDate;
  r.sex = sex;
  r.mother_nik = mother;
  r.documents = {{"surat_keterangan_lahir", "SKL/0042/2026"}};
  return r;
}

registry::WriteContext desk(std::string key, std::int64_t now_ms = kCentralNowMs - 3'600'000) {
  return registry::WriteContext{{"operator", Role::kOperator}, at_ms(now_ms), std::move(key),
                                access::sha256_hex("body of " + std::to_string(now_ms))};
}

int serial_of(const std::string& nik) { return std::stoi(nik.substr(12, 4)); }

// Names take no digits.
const char* const kOrdinals[] = {"Satu", "Dua", "Tiga"};

class StationBirthTest : public test::StationCentralTest {
 protected:
  void SetUp() override {
    StationCentralTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(test::pull_working_copy(central, station));
    mothers = mothers_of(central.db(), district, 4);
    ASSERT_GE(mothers.size(), 3u);
  }

  std::vector<std::string> mothers;
};

TEST_P(StationBirthTest, OfflineBirthReachesCentralWithTheSameNik) {
  auto request = birth_of(mothers[0], "Siti Aminah");
  auto saved = save_birth_with_outbox(station.db(), station.identity.station_id, desk("desk-1"), request);
  ASSERT_OK(saved);
  const std::string nik = saved->nik;
  EXPECT_TRUE(nik.starts_with(nik_prefix(district, kBirthDate, Sex::kFemale))) << nik;
  EXPECT_GE(serial_of(nik), nik_serial_max - nik_lease_size + 1);  // from the station's lease
  EXPECT_EQ(saved->outbox_seq, 1);
  EXPECT_FALSE(saved->event.replayed);
  // The operator sees the child at once, on the mother's card.
  {
    auto conn = station.db().connect();
    auto child = registry::load_person(**conn, nik);
    ASSERT_OK(child);
    EXPECT_EQ(child->name, "Siti Aminah");
    EXPECT_EQ(child->kk_number, saved->kk_number);
  }
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM audit_log WHERE action = 'event.birth' AND subject = $1", {nik}), 1);
  // The desk retries the same request: the same NIK, nothing new. Another body under the key: refused.
  auto again = save_birth_with_outbox(station.db(), station.identity.station_id, desk("desk-1"), request);
  ASSERT_OK(again);
  EXPECT_TRUE(again->event.replayed);
  EXPECT_EQ(again->nik, nik);
  EXPECT_EQ(again->outbox_seq, 0);
  auto other = desk("desk-1");
  other.request_hash = access::sha256_hex("another body");
  EXPECT_ERROR(save_birth_with_outbox(station.db(), station.identity.station_id, other, request),
               ErrorCode::kAlreadyExists, "desk-1");
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM outbox"), 1);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM persons WHERE name = 'Siti Aminah'"), 1);

  // Delivered, through a lost answer and a duplicate.
  auto rows = test::deliver_through_lost_answer_and_duplicate(central, station);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].outcome, "applied") << (*rows)[0].receipt;
  EXPECT_EQ((*rows)[0].kind, "birth");
  EXPECT_EQ((*rows)[0].item_key, birth_item_key("st-pml-1", nik));

  // At central: the same child, once, on the same card, as an audited event of the operator there.
  auto conn = central.db().connect();
  auto child = registry::load_person(**conn, nik);
  ASSERT_OK(child);
  EXPECT_EQ(child->name, "Siti Aminah");
  EXPECT_EQ(child->kk_number, saved->kk_number);
  EXPECT_EQ(child->mother_name, registry::load_person(**conn, mothers[0])->name);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM persons WHERE name = 'Siti Aminah'"), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM events WHERE type = 'birth' AND idempotency_key = $1 AND actor = "
                         "'operator@st-pml-1'",
                         {"operator@st-pml-1|" + birth_item_key("st-pml-1", nik)}),
            1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM event_subjects WHERE nik = $1 AND role = 'child'", {nik}), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM audit_log WHERE action = 'event.birth' AND subject = $1", {nik}), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM sync_items WHERE kind = 'birth' AND outcome = 'applied'"), 1);
  // Central's allocator did not move: the serial came from the lease.
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM serials WHERE prefix = $1",
                         {nik_prefix(district, kBirthDate, Sex::kFemale)}),
            0);

  // The next pull brings central's row for the same NIK over the station's own.
  ASSERT_OK(test::pull_working_copy(central, station));
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM persons WHERE nik = $1 AND updated_at_ms = $2", {nik, kCentralNowMs}),
            1);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM persons WHERE name = 'Siti Aminah'"), 1);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM persons WHERE kk_number = $1", {saved->kk_number}),
            central_rows("SELECT COUNT(*) FROM persons WHERE kk_number = $1", {saved->kk_number}));
}

// The NIK says where the birth was registered; the card may move at central before the birth
// arrives, and the birth still arrives with its NIK (a NIK never changes with a move).
TEST_P(StationBirthTest, BirthArrivesAfterTheMothersCardMovedAtCentral) {
  auto saved = save_birth_with_outbox(station.db(), station.identity.station_id, desk("desk-moved"),
                                      birth_of(mothers[2], "Rahayu"));
  ASSERT_OK(saved);
  std::string elsewhere;
  {
    auto conn = central.db().connect();
    auto village = (*conn)->execute("SELECT village_code FROM families WHERE district_code <> $1 LIMIT 1", {district});
    ASSERT_OK(village);
    ASSERT_FALSE(village->rows.empty());
    elsewhere = village->rows[0].text(0);
    ASSERT_OK((*conn)->execute(
        "UPDATE families SET village_code = $2, district_code = $3, version = version + 1 WHERE kk_number = $1",
        {saved->kk_number, elsewhere, elsewhere.substr(0, 6)}));
  }
  test::LoopbackLink link(central, station);
  ASSERT_OK(Uploader(station.db(), station.identity, link).upload_once());
  auto rows = list_outbox(station.db(), false, 1);
  ASSERT_OK(rows);
  EXPECT_EQ((*rows)[0].outcome, "applied") << (*rows)[0].receipt;
  auto conn = central.db().connect();
  auto child = registry::load_person(**conn, saved->nik);
  ASSERT_OK(child);
  EXPECT_TRUE(saved->nik.starts_with(district));
  EXPECT_EQ(child->address.village_code, elsewhere);  // lives on the card, wherever it is now
}

TEST_P(StationBirthTest, ExpiredOrMissingLeaseIsAClearErrorAndStoresNothing) {
  const std::int64_t persons_before = station_rows("SELECT COUNT(*) FROM persons");
  auto late = desk("desk-late", kCentralNowMs + lease_validity_ms + 1);
  EXPECT_ERROR(save_birth_with_outbox(station.db(), station.identity.station_id, late, birth_of(mothers[0], "Ani")),
               ErrorCode::kFailedPrecondition, "expired on");
  {
    auto conn = station.db().connect();
    ASSERT_OK((*conn)->execute("DELETE FROM serial_leases WHERE kind = 'nik'"));
  }
  EXPECT_ERROR(save_birth_with_outbox(station.db(), station.identity.station_id, desk("desk-none"),
                                      birth_of(mothers[0], "Ani")),
               ErrorCode::kFailedPrecondition, "holds no nik serial lease");
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM persons"), persons_before);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM events"), 0);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM serial_lease_use"), 0);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM audit_log WHERE action = 'event.birth'"), 0);
}

TEST_P(StationBirthTest, BadBirthsAreRefusedAtTheDeskWithNothingStored) {
  auto no_mother = birth_of("3327019999990001", "Ani");
  EXPECT_ERROR(save_birth_with_outbox(station.db(), station.identity.station_id, desk("d1"), no_mother),
               ErrorCode::kNotFound, "3327019999990001");
  auto future = birth_of(mothers[0], "Ani");
  future.birth_date = CivilDate{std::chrono::year{2027}, std::chrono::January, std::chrono::day{1}};
  EXPECT_ERROR(save_birth_with_outbox(station.db(), station.identity.station_id, desk("d2"), future),
               ErrorCode::kInvalidArgument, "in the future");
  auto assigned = birth_of(mothers[0], "Ani");
  assigned.assigned_nik = "3327010101010001";
  EXPECT_ERROR(save_birth_with_outbox(station.db(), station.identity.station_id, desk("d3"), assigned),
               ErrorCode::kInvalidArgument, "own lease");
  EXPECT_ERROR(save_birth_with_outbox(station.db(), station.identity.station_id, desk("bad key"),
                                      birth_of(mothers[0], "Ani")),
               ErrorCode::kInvalidArgument, "idempotency_key");
  auto admin = desk("d4");
  admin.actor.role = Role::kAdjudicator;
  EXPECT_ERROR(save_birth_with_outbox(station.db(), station.identity.station_id, admin, birth_of(mothers[0], "Ani")),
               ErrorCode::kPermissionDenied, "may not record");
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM serial_lease_use"), 0);
  EXPECT_EQ(station_rows("SELECT COUNT(*) FROM events"), 0);
}

// A station that sends births it made up: a serial outside its lease, another station's serial,
// an item whose key or NIK does not match, a payload that is not a birth. Each gets a rejected
// receipt; nothing else is stored, and the good birth behind them still arrives.
TEST_P(StationBirthTest, ForgedBirthItemsAreRejectedAndNothingStored) {
  auto other = test::make_station(central, "st-pml-2", district);
  ASSERT_OK(test::pull_working_copy(central, other));
  const std::string prefix = nik_prefix(district, kBirthDate, Sex::kFemale);
  auto other_conn = other.db().connect();
  auto others_serial = next_leased_serial(**other_conn, "nik", prefix, kCentralNowMs);
  ASSERT_OK(others_serial);
  auto ctx = desk("forged");
  auto append = [&](const std::string& key, const std::string& nik, const std::string& payload) {
    auto seq = store::with_write_transaction<std::int64_t>(station.db(), [&](store::Connection& c) {
      return append_outbox(c, {std::string(kBirthKind), key, nik, payload}, kCentralNowMs);
    });
    ASSERT_OK(seq);
  };
  const std::string central_range = prefix + "0001";
  const std::string others = format_nik(district, kBirthDate, Sex::kFemale, *others_serial);
  append(birth_item_key("st-pml-1", central_range), central_range,
         birth_to_payload(birth_of(mothers[0], "Palsu Satu"), central_range, ctx));
  append(birth_item_key("st-pml-1", others), others, birth_to_payload(birth_of(mothers[0], "Palsu Dua"), others, ctx));
  const std::string mine = prefix + "9999";
  append(birth_item_key("st-pml-2", mine), mine, birth_to_payload(birth_of(mothers[0], "Palsu Tiga"), mine, ctx));
  append(birth_item_key("st-pml-1", mine + "x"), mine, "{\"request\":{}}");
  auto good = save_birth_with_outbox(station.db(), station.identity.station_id, desk("desk-good"),
                                     birth_of(mothers[1], "Dewi Lestari"));
  ASSERT_OK(good);

  test::LoopbackLink link(central, station);
  Uploader uploader(station.db(), station.identity, link);
  ASSERT_OK(uploader.upload_once());
  auto rows = list_outbox(station.db(), false, 10);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[4].outcome, "rejected");
  EXPECT_THAT((*rows)[4].receipt, ::testing::HasSubstr("nik serial 1 in district " + district +
                                                       " was not leased to station st-pml-1"));
  EXPECT_EQ((*rows)[3].outcome, "rejected");
  EXPECT_THAT((*rows)[3].receipt, ::testing::HasSubstr("was not leased to station st-pml-1"));
  EXPECT_EQ((*rows)[2].outcome, "rejected");
  EXPECT_THAT((*rows)[2].receipt, ::testing::HasSubstr("does not carry NIK"));
  EXPECT_EQ((*rows)[1].outcome, "rejected");
  EXPECT_THAT((*rows)[1].receipt, ::testing::HasSubstr(": is required"));  // the broken payload, field named
  EXPECT_EQ((*rows)[0].outcome, "applied") << (*rows)[0].receipt;
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM persons WHERE name LIKE 'Palsu%'"), 0);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM persons WHERE nik IN ($1, $2, $3)", {central_range, others, mine}), 0);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM events WHERE type = 'birth'"), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM persons WHERE nik = $1", {good->nik}), 1);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM sync_items WHERE outcome = 'rejected'"), 4);
}

TEST_P(StationBirthTest, TwoStationsGiveDifferentNiksForTheSamePrefix) {
  auto second = test::make_station(central, "st-pml-2", district);
  ASSERT_OK(test::pull_working_copy(central, second));
  std::vector<std::string> niks;
  for (int i = 0; i < 3; ++i) {
    auto a = save_birth_with_outbox(station.db(), "st-pml-1", desk(fmt::format("a-{}", i)),
                                    birth_of(mothers[0], fmt::format("Anak A {}", kOrdinals[i])));
    ASSERT_OK(a);
    auto b = save_birth_with_outbox(second.db(), "st-pml-2", desk(fmt::format("b-{}", i)),
                                    birth_of(mothers[1], fmt::format("Anak B {}", kOrdinals[i])));
    ASSERT_OK(b);
    niks.push_back(a->nik);
    niks.push_back(b->nik);
  }
  const auto prefix = nik_prefix(district, kBirthDate, Sex::kFemale);
  for (const auto& nik : niks) EXPECT_TRUE(nik.starts_with(prefix)) << nik;
  std::set<std::string> distinct(niks.begin(), niks.end());
  EXPECT_EQ(distinct.size(), niks.size());

  test::LoopbackLink link_a(central, station);
  test::LoopbackLink link_b(central, second);
  ASSERT_OK(Uploader(station.db(), station.identity, link_a).upload_once());
  ASSERT_OK(Uploader(second.db(), second.identity, link_b).upload_once());
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM sync_items WHERE kind = 'birth' AND outcome = 'applied'"), 6);
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM persons WHERE name LIKE 'Anak %'"), 6);
  for (const auto& nik : niks) EXPECT_EQ(central_rows("SELECT COUNT(*) FROM persons WHERE nik = $1", {nik}), 1);
}

TEST_P(StationBirthTest, CentralsOwnBirthsNeverTakeLeasedNiks) {
  registry::CivilRegistry registry(central.db(), RegionDirectory::builtin());
  std::vector<std::string> niks;
  for (int i = 0; i < 3; ++i) {
    auto station_birth = save_birth_with_outbox(station.db(), "st-pml-1", desk(fmt::format("s-{}", i)),
                                                 birth_of(mothers[0], fmt::format("Stasiun {}", kOrdinals[i])));
    ASSERT_OK(station_birth);
    niks.push_back(station_birth->nik);
    registry::WriteContext ctx{{"operator", Role::kOperator}, at_ms(kCentralNowMs), fmt::format("c-{}", i),
                               access::sha256_hex(std::to_string(i))};
    auto central_birth = registry.register_birth(ctx, birth_of(mothers[1], fmt::format("Pusat {}", kOrdinals[i])));
    ASSERT_OK(central_birth);
    const std::string nik(central_birth->outcome.at("nik").as_string());
    EXPECT_LT(serial_of(nik), nik_serial_max - nik_lease_size + 1) << nik;
    niks.push_back(nik);
  }
  test::LoopbackLink link(central, station);
  ASSERT_OK(Uploader(station.db(), station.identity, link).upload_once());
  EXPECT_EQ(central_rows("SELECT COUNT(*) FROM sync_items WHERE outcome = 'applied'"), 3);
  std::set<std::string> distinct(niks.begin(), niks.end());
  EXPECT_EQ(distinct.size(), 6u);
  for (const auto& nik : niks) EXPECT_EQ(central_rows("SELECT COUNT(*) FROM persons WHERE nik = $1", {nik}), 1);
}

EKTP_INSTANTIATE_FOR_BACKENDS(StationBirthTest);

// The item's payload reads back to the same request and refuses what is not a birth.
TEST(BirthPayload, RoundTripsAndRefusesBadInput) {
  auto request = birth_of("3327015501900001", "Budi");
  request.sex = Sex::kMale;
  request.father_nik = "3327011501880002";
  request.religion = Religion::kIslam;
  request.blood_type = BloodType::kO;
  registry::WriteContext ctx{{"ani", Role::kSupervisor}, at_ms(kCentralNowMs), "k-1", "h"};
  auto back = birth_from_payload(birth_to_payload(request, "3327012011260201", ctx));
  ASSERT_OK(back);
  EXPECT_EQ(back->request.name, "Budi");
  EXPECT_EQ(back->request.sex, Sex::kMale);
  EXPECT_EQ(back->request.birth_date, kBirthDate);
  EXPECT_EQ(back->request.father_nik, request.father_nik);
  EXPECT_EQ(back->request.religion, request.religion);
  EXPECT_EQ(back->request.blood_type, BloodType::kO);
  ASSERT_EQ(back->request.documents.size(), 1u);
  EXPECT_EQ(back->request.documents[0].number, "SKL/0042/2026");
  EXPECT_EQ(back->request.assigned_nik, "3327012011260201");
  EXPECT_EQ(back->operator_name, "ani");
  EXPECT_EQ(back->role, Role::kSupervisor);
  EXPECT_EQ(back->desk_key, "k-1");
  EXPECT_EQ(back->recorded_at_ms, kCentralNowMs);

  EXPECT_ERROR(birth_from_payload("not json"), ErrorCode::kInvalidArgument, "birth");
  EXPECT_ERROR(birth_from_payload("[]"), ErrorCode::kInvalidArgument, "birth");
  auto with = [&](auto change) {
    auto value = boost::json::parse(birth_to_payload(request, "3327012011260201", ctx)).as_object();
    change(value);
    return boost::json::serialize(value);
  };
  EXPECT_ERROR(birth_from_payload(with([](auto& o) { o["nik"] = "33270120112602"; })), ErrorCode::kInvalidArgument,
               "16 digits");
  EXPECT_ERROR(birth_from_payload(with([](auto& o) { o["extra"] = 1; })), ErrorCode::kInvalidArgument, "extra");
  EXPECT_ERROR(birth_from_payload(with([](auto& o) { o["role"] = "emperor"; })), ErrorCode::kInvalidArgument, "role");
  EXPECT_ERROR(birth_from_payload(with([](auto& o) { o["operator"] = ""; })), ErrorCode::kInvalidArgument, "operator");
  EXPECT_ERROR(birth_from_payload(with([](auto& o) { o["request"].as_object()["sex"] = "X"; })),
               ErrorCode::kInvalidArgument, "sex");
  EXPECT_ERROR(birth_from_payload(with([](auto& o) { o["request"].as_object()["assigned_nik"] = "1"; })),
               ErrorCode::kInvalidArgument, "assigned_nik");
  EXPECT_ERROR(birth_from_payload(with([](auto& o) { o.erase("request"); })), ErrorCode::kInvalidArgument,
               "request: is required");
}

}  // namespace
}  // namespace ektp::sync
