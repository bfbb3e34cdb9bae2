#include "registry/civil_registry.h"

#include <thread>

#include <fmt/format.h>

#include "access/audit_log.h"
#include "registry/event_log.h"
#include "registry_fixture.h"

namespace ektp::registry {
namespace {

using namespace std::chrono;

BirthRequest birth_of(std::string mother, std::string name = "Dewi Lestari") {
  BirthRequest r;
  r.name = std::move(name);
  r.birth_place = "Pemalang";
  r.birth_date = CivilDate{year{2026}, November, day{2}};
  r.sex = Sex::kFemale;
  r.mother_nik = std::move(mother);
  r.documents = {{"surat_keterangan_lahir", "SKL/123/2026"}};
  return r;
}

TEST_P(RegistryTest, BirthAssignsNIKAndJoinsMothersCard) {
  auto r = birth_of(siti);
  r.father_nik = budi;
  auto outcome = registry->register_birth(context("birth-1"), r);
  ASSERT_OK(outcome);
  EXPECT_FALSE(outcome->replayed);
  std::string nik(outcome->outcome.at("nik").as_string());
  auto parts = parse_nik(nik, RegionDirectory::builtin(), CivilDate{year{2026}, November, day{23}});
  ASSERT_OK(parts);
  EXPECT_EQ(parts->sex, Sex::kFemale);
  EXPECT_EQ(nik.substr(0, 12), "332701421126");  // day 2 + 40
  auto child = person(nik);
  EXPECT_EQ(child.kk_number, kk);
  EXPECT_EQ(child.relation, FamilyRelation::kAnak);
  EXPECT_EQ(child.mother_name, "Siti Aminah");
  EXPECT_EQ(child.father_name, "Budi Santoso");
  EXPECT_EQ(family(kk).issued_on, (CivilDate{year{2026}, November, day{23}}));
  // A second girl born the same day in the same district gets the next serial.
  auto twin = registry->register_birth(context("birth-2"), birth_of(siti, "Dewi Lestari Dua"));
  ASSERT_OK(twin);
  EXPECT_EQ(std::string(twin->outcome.at("nik").as_string()), nik.substr(0, 12) + "0002");
}

TEST_P(RegistryTest, RepeatedRequestIsAppliedOnce) {
  auto first = registry->register_birth(context("birth-once"), birth_of(siti));
  ASSERT_OK(first);
  auto again = registry->register_birth(context("birth-once"), birth_of(siti));
  ASSERT_OK(again);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->outcome.at("nik"), first->outcome.at("nik"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons"), 5);
  auto other = context("birth-once");
  other.request_hash = "another body";
  EXPECT_ERROR(registry->register_birth(other, birth_of(siti, "Lain Lagi")), ErrorCode::kAlreadyExists,
               "already used for a different request");
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons"), 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), 1);
}

// Keys are the caller's own: another user reusing a key neither replays the first user's answer
// (which would hand them someone else's new NIK) nor is refused for it.
TEST_P(RegistryTest, IdempotencyKeysAreScopedToTheirCaller) {
  auto first = registry->register_birth(context("birth-shared-key"), birth_of(siti));
  ASSERT_OK(first);
  auto other = registry->register_birth(context("birth-shared-key", Role::kOperator, "op2"),
                                        birth_of(siti, "Anak Lain Sekali"));
  ASSERT_OK(other);
  EXPECT_FALSE(other->replayed);
  EXPECT_NE(other->outcome.at("nik"), first->outcome.at("nik"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), 2);
}

TEST_P(RegistryTest, BadBirthsChangeNothing) {
  auto future = birth_of(siti);
  future.birth_date = CivilDate{year{2026}, December, day{1}};
  EXPECT_ERROR(registry->register_birth(context("b1"), future), ErrorCode::kInvalidArgument, "in the future");
  EXPECT_ERROR(registry->register_birth(context("b2"), birth_of(budi)), ErrorCode::kInvalidArgument, "not a woman");
  EXPECT_ERROR(registry->register_birth(context("b3"), birth_of("3327014107880099")), ErrorCode::kNotFound, "no person");
  EXPECT_ERROR(registry->register_birth(context("b4"), birth_of(siti, "Dewi\x01")), ErrorCode::kInvalidArgument,
               "control character");
  EXPECT_ERROR(registry->register_birth(context("b5"), birth_of(siti, std::string(500, 'a'))),
               ErrorCode::kInvalidArgument, "longer than the limit");
  EXPECT_ERROR(registry->register_birth(context(""), birth_of(siti)), ErrorCode::kInvalidArgument, "idempotency_key");
  EXPECT_ERROR(registry->register_birth(context("b6", Role::kAdmin), birth_of(siti)), ErrorCode::kPermissionDenied,
               "may not record");
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM serials"), 0);
}

// A NIK assigned before the birth reached the registry (a station's leased serial) is used as it
// is — if it fits the birth and nobody holds it — and central's allocator is not touched.
TEST_P(RegistryTest, AssignedNIKIsUsedWhenItFitsTheBirth) {
  auto r = birth_of(siti);
  r.assigned_nik = "3327014211269871";
  auto outcome = registry->register_birth(context("assigned-1"), r);
  ASSERT_OK(outcome);
  EXPECT_EQ(outcome->outcome.at("nik"), "3327014211269871");
  EXPECT_EQ(person("3327014211269871").kk_number, kk);
  EXPECT_EQ(count("SELECT COUNT(*) FROM serials"), 0);
  // Central's own next birth of that prefix starts at 0001 as before.
  auto next = registry->register_birth(context("assigned-2"), birth_of(siti, "Dewi Dua"));
  ASSERT_OK(next);
  EXPECT_EQ(next->outcome.at("nik"), "3327014211260001");

  auto taken = birth_of(siti, "Dewi Tiga");
  taken.assigned_nik = "3327014211269871";
  EXPECT_ERROR(registry->register_birth(context("assigned-3"), taken), ErrorCode::kAlreadyExists,
               "3327014211269871 is already registered");
  auto boy_date = birth_of(siti, "Dewi Empat");
  boy_date.assigned_nik = "3327010211269872";  // day without +40: a boy's NIK for a girl
  EXPECT_ERROR(registry->register_birth(context("assigned-4"), boy_date), ErrorCode::kInvalidArgument,
               "digits 7–12 must be 421126");
  auto other_day = birth_of(siti, "Dewi Lima");
  other_day.assigned_nik = "3327014311269873";
  EXPECT_ERROR(registry->register_birth(context("assigned-5"), other_day), ErrorCode::kInvalidArgument,
               "birth date 2026-11-02, a girl");
  // The district digits are where the birth was registered (the caller's lease), not where the
  // mother's card is now: she may have moved meanwhile, and a NIK does not change with a move.
  auto registered_elsewhere = birth_of(siti, "Dewi Tujuh");
  registered_elsewhere.assigned_nik = "3327024211269874";
  auto elsewhere = registry->register_birth(context("assigned-7"), registered_elsewhere);
  ASSERT_OK(elsewhere);
  EXPECT_EQ(person("3327024211269874").kk_number, kk);
  for (const char* bad : {"33270142112698", "33270142112698xx", "3327014211260000"}) {
    auto b = birth_of(siti, "Dewi Enam");
    b.assigned_nik = bad;
    EXPECT_ERROR(registry->register_birth(context("assigned-6"), b), ErrorCode::kInvalidArgument, "assigned_nik");
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons"), 7);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), 3);
}

// apply_birth runs inside the caller's transaction: the serial comes from the caller's source,
// and when the caller rolls back, nothing of the birth (person, card, event, audit) remains.
TEST_P(RegistryTest, ApplyBirthJoinsTheCallersTransaction) {
  const auto audit_before = count("SELECT COUNT(*) FROM audit_log");
  std::vector<std::string> prefixes;
  auto source = [&](store::Connection&, std::string_view prefix) -> Result<int> {
    prefixes.emplace_back(prefix);
    return 9500;
  };
  auto rolled_back = store::with_write_transaction<EventOutcome>(db(), [&](store::Connection& c) -> Result<EventOutcome> {
    auto outcome = apply_birth(c, context("in-tx-1"), birth_of(siti), source);
    if (!outcome) return outcome;
    EXPECT_EQ(outcome->outcome.at("nik"), "3327014211269500");
    return make_error(ErrorCode::kFailedPrecondition, "the caller's own write failed");
  });
  EXPECT_ERROR(rolled_back, ErrorCode::kFailedPrecondition, "caller's own write");
  EXPECT_EQ(prefixes, std::vector<std::string>{"332701421126"});
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), audit_before);
  EXPECT_EQ(family(kk).version, 1);

  auto refused = [](store::Connection&, std::string_view prefix) -> Result<int> {
    return failed_precondition(fmt::format("no lease for {}", prefix));
  };
  auto failed = store::with_write_transaction<EventOutcome>(
      db(), [&](store::Connection& c) { return apply_birth(c, context("in-tx-2"), birth_of(siti), refused); });
  EXPECT_ERROR(failed, ErrorCode::kFailedPrecondition, "no lease for 332701421126");
  auto committed = store::with_write_transaction<EventOutcome>(
      db(), [&](store::Connection& c) { return apply_birth(c, context("in-tx-3"), birth_of(siti), source); });
  ASSERT_OK(committed);
  EXPECT_EQ(person("3327014211269500").name, "Dewi Lestari");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), audit_before + 1);
}

TEST_P(RegistryTest, DeathMakesSpouseWidowAndHead) {
  DeathRequest r{budi, CivilDate{year{2026}, October, day{1}}, "Pemalang", {{"surat_kematian", "SK/9"}}};
  ASSERT_OK(registry->register_death(context("death-1"), r));
  EXPECT_FALSE(person(budi).alive);
  EXPECT_EQ(person(siti).marital_status, MaritalStatus::kCeraiMati);
  EXPECT_EQ(person(siti).relation, FamilyRelation::kKepalaKeluarga);
  EXPECT_EQ(family(kk).head_nik, siti);
  EXPECT_ERROR(registry->register_death(context("death-2"), r), ErrorCode::kFailedPrecondition, "deceased");
  DeathRequest early{andi, CivilDate{year{2011}, January, day{1}}, "Pemalang", {}};
  EXPECT_ERROR(registry->register_death(context("death-3"), early), ErrorCode::kInvalidArgument, "before the birth");
}

TEST_P(RegistryTest, MarriageRules) {
  MarriageRequest minor{andi, rina, CivilDate{year{2026}, November, day{1}}, {}, std::nullopt};
  EXPECT_ERROR(registry->register_marriage(context("m1"), minor), ErrorCode::kFailedPrecondition,
               "minimum age to marry is 19");
  MarriageRequest bigamy{budi, rina, CivilDate{year{2026}, November, day{1}}, {}, std::nullopt};
  EXPECT_ERROR(registry->register_marriage(context("m2"), bigamy), ErrorCode::kFailedPrecondition, "court's permission");
  EXPECT_EQ(person(rina).marital_status, MaritalStatus::kBelumKawin);
  // After a divorce Budi may marry Rina; they get a new card together.
  ASSERT_OK(registry->register_divorce(context("d1"), {budi, siti, CivilDate{year{2026}, June, day{1}}, {}}));
  EXPECT_EQ(person(siti).marital_status, MaritalStatus::kCeraiHidup);
  EXPECT_ERROR(registry->register_divorce(context("d2"), {budi, siti, CivilDate{year{2026}, June, day{2}}, {}}),
               ErrorCode::kFailedPrecondition, "not married");
  // Budi heads a card with Siti and Andi on it: he cannot leave them behind without a split.
  MarriageRequest remarriage{budi, rina, CivilDate{year{2026}, November, day{1}}, {},
                             AddressInput{"Jl. Merdeka 5", "3", "4", kVillage}};
  EXPECT_ERROR(registry->register_marriage(context("m3"), remarriage), ErrorCode::kFailedPrecondition,
               "would leave 2 member(s) behind");
  EXPECT_EQ(person(budi).kk_number, kk);
}

TEST_P(RegistryTest, MarriageIntoHusbandsCard) {
  // Rina (head of her own one-person card) marries Andi's father's… no: a new adult man.
  auto outcome = registry->register_divorce(context("d1"), {budi, siti, CivilDate{year{2025}, June, day{1}}, {}});
  ASSERT_OK(outcome);
  MarriageRequest r{budi, rina, CivilDate{year{2026}, November, day{1}}, {{"buku_nikah", "KUA/1/2026"}}, std::nullopt};
  ASSERT_OK(registry->register_marriage(context("m1"), r));
  auto wife = person(rina);
  EXPECT_EQ(wife.marital_status, MaritalStatus::kKawin);
  EXPECT_EQ(wife.kk_number, kk);
  EXPECT_EQ(wife.relation, FamilyRelation::kIstri);
  EXPECT_FALSE(family(format_kk_number("332701", CivilDate{year{2019}, June, day{3}}, 1)).active);
}

TEST_P(RegistryTest, MovesKeepTheNIK) {
  MoveRequest bad{{budi, siti, andi}, CivilDate{year{2026}, November, day{20}}, {"Jl. Baru", "1", "1", "3327019999"}, {}, {}};
  EXPECT_ERROR(registry->register_move(context("mv0"), bad), ErrorCode::kInvalidArgument, "village '3327019999'");
  // The whole family within Moga: same card, new address.
  auto moga_village = RegionDirectory::builtin().children("332701").back().code;
  MoveRequest within{{budi, siti, andi}, CivilDate{year{2026}, November, day{20}}, {"Jl. Baru 1", "1", "1", moga_village}, {}, {}};
  auto moved = registry->register_move(context("mv1"), within);
  ASSERT_OK(moved);
  EXPECT_EQ(std::string(moved->outcome.at("kk_number").as_string()), kk);
  EXPECT_EQ(person(andi).address.village_code, moga_village);
  // Then to Kota Semarang (3374): a new card there, the old one closed, NIKs unchanged.
  auto semarang_village = RegionDirectory::builtin().children(RegionDirectory::builtin().children("3374").front().code).front().code;
  MoveRequest across{{budi, siti, andi}, CivilDate{year{2026}, November, day{22}}, {"Jl. Pemuda 3", "2", "7", semarang_village}, {}, {}};
  auto moved_across = registry->register_move(context("mv2"), across);
  ASSERT_OK(moved_across);
  std::string new_kk(moved_across->outcome.at("kk_number").as_string());
  EXPECT_TRUE(new_kk.starts_with(semarang_village.substr(0, 6)));
  EXPECT_EQ(person(budi).kk_number, new_kk);
  EXPECT_EQ(person(siti).relation, FamilyRelation::kIstri);
  EXPECT_EQ(person(budi).nik, budi);
  EXPECT_FALSE(family(kk).active);
  // Andi alone cannot take the head's place; but he may move out alone onto his own card.
  MoveRequest alone{{andi}, CivilDate{year{2026}, November, day{23}}, {"Jl. Kecil", "1", "1", kVillage}, {}, {}};
  ASSERT_OK(registry->register_move(context("mv3"), alone));
  EXPECT_EQ(person(andi).relation, FamilyRelation::kKepalaKeluarga);
}

// A KK number assigned before the move reached the registry (a station's move-in): always a new
// card with that number, which must belong to the destination district and be free.
TEST_P(RegistryTest, MoveWithAnAssignedKkNumber) {
  auto moga_village = RegionDirectory::builtin().children("332701").back().code;
  auto move = [&](std::string assigned) {
    MoveRequest r{{budi, siti, andi}, CivilDate{year{2026}, November, day{20}}, {"Jl. Baru 1", "1", "1", moga_village},
                  {}, std::move(assigned)};
    return r;
  };
  auto elsewhere = RegionDirectory::builtin().children("3374").front().code;
  EXPECT_ERROR(registry->register_move(context("ak1"), move(format_kk_number(elsewhere, CivilDate{year{2026}, November,
                                                                                                  day{20}}, 9990))),
               ErrorCode::kInvalidArgument, "assigned_kk_number");
  EXPECT_ERROR(registry->register_move(context("ak2"), move("3327010113269990")), ErrorCode::kInvalidArgument,
               "assigned_kk_number: KK number digits 9–10: month 13");
  EXPECT_ERROR(registry->register_move(context("ak3"), move("12345")), ErrorCode::kInvalidArgument, "assigned_kk_number");
  EXPECT_ERROR(registry->register_move(context("ak4"), move(kk)), ErrorCode::kAlreadyExists, "already taken");
  const std::string assigned = format_kk_number("332701", CivilDate{year{2026}, November, day{20}}, 9990);
  auto moved = registry->register_move(context("ak5"), move(assigned));
  ASSERT_OK(moved);
  EXPECT_EQ(std::string(moved->outcome.at("kk_number").as_string()), assigned);
  EXPECT_EQ(person(andi).kk_number, assigned);
  EXPECT_EQ(person(budi).relation, FamilyRelation::kKepalaKeluarga);
  EXPECT_EQ(person(siti).address.village_code, moga_village);
  EXPECT_TRUE(family(assigned).active);
  EXPECT_FALSE(family(kk).active);
}

TEST_P(RegistryTest, FamilySplitNeedsSomeoneLeftBehind) {
  NewFamilyRequest all{budi, {{siti, FamilyRelation::kIstri}, {andi, FamilyRelation::kAnak}},
                       {"Jl. Lain", "1", "1", kVillage}, {}, true};
  EXPECT_ERROR(registry->create_family(context("s1"), all), ErrorCode::kInvalidArgument, "leave someone");
  NewFamilyRequest head_leaves{budi, {{siti, FamilyRelation::kIstri}}, {"Jl. Lain", "1", "1", kVillage}, {}, true};
  EXPECT_ERROR(registry->create_family(context("s2"), head_leaves), ErrorCode::kFailedPrecondition, "behind");
  NewFamilyRequest ok{siti, {{andi, FamilyRelation::kAnak}}, {"Jl. Lain", "1", "1", kVillage}, {}, true};
  auto split = registry->create_family(context("s3"), ok);
  ASSERT_OK(split);
  EXPECT_EQ(person(siti).relation, FamilyRelation::kKepalaKeluarga);
  EXPECT_EQ(person(andi).kk_number, std::string(split->outcome.at("kk_number").as_string()));
  EXPECT_EQ(person(budi).kk_number, kk);
}

TEST_P(RegistryTest, CorrectionsNeedAnotherSupervisor) {
  CorrectionRequest r;
  r.nik = andi;
  r.name = "Andi Pratama Putra";
  r.reason = "sesuai ijazah";
  auto requested = registry->request_correction(context("c1"), r);
  ASSERT_OK(requested);
  auto id = requested->outcome.at("correction_id").as_int64();
  EXPECT_EQ(person(andi).name, "Andi Pratama");  // nothing changes before approval
  EXPECT_ERROR(registry->decide_correction(context("c2"), id, true, ""), ErrorCode::kPermissionDenied, "supervisor");
  EXPECT_ERROR(registry->decide_correction(context("c3", Role::kSupervisor, "op1"), id, true, ""),
               ErrorCode::kPermissionDenied, "other than its requester");
  ASSERT_OK(registry->decide_correction(context("c4", Role::kSupervisor, "spv1"), id, true, "ok"));
  EXPECT_EQ(person(andi).name, "Andi Pratama Putra");
  EXPECT_ERROR(registry->decide_correction(context("c5", Role::kSupervisor, "spv2"), id, false, ""),
               ErrorCode::kFailedPrecondition, "already approved");
  CorrectionRequest empty;
  empty.nik = andi;
  empty.reason = "x";
  EXPECT_ERROR(registry->request_correction(context("c6"), empty), ErrorCode::kInvalidArgument, "at least one field");
}

TEST_P(RegistryTest, HistoryAndAuditChain) {
  ASSERT_OK(registry->register_birth(context("h1"), birth_of(siti)));
  ASSERT_OK(registry->register_death(context("h2"), {budi, CivilDate{year{2026}, November, day{10}}, "Moga", {}}));
  auto c = db().connect();
  auto history = person_history(**c, siti);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].type, "birth");
  EXPECT_EQ((*history)[0].role, "mother");
  EXPECT_EQ((*history)[1].role, "spouse");
  auto verified = access::verify_audit_chain(db());
  ASSERT_OK(verified);
  EXPECT_TRUE(verified->valid);
  EXPECT_EQ(verified->entries, 2);
  // Tampering with an entry breaks the chain exactly there.
  ASSERT_OK((*c)->execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = (SELECT MIN(seq) FROM audit_log)"));
  auto broken = access::verify_audit_chain(db());
  ASSERT_OK(broken);
  EXPECT_FALSE(broken->valid);
}

TEST_P(RegistryTest, ConcurrentBirthsOnOneCardLoseNothing) {
  constexpr int kThreads = 4, kPerThread = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto name = fmt::format("Anak Ke {}", std::string(1, static_cast<char>('A' + t * kPerThread + i)));
        auto r = registry->register_birth(context(fmt::format("c-{}-{}", t, i)), birth_of(siti, name));
        if (!r) failures += 1;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM persons WHERE kk_number = '" + kk + "'"), 3 + kThreads * kPerThread);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT nik) FROM persons"), 4 + kThreads * kPerThread);
  auto verified = access::verify_audit_chain(db());
  ASSERT_OK(verified);
  EXPECT_TRUE(verified->valid);
  EXPECT_EQ(verified->entries, kThreads * kPerThread);
}

EKTP_INSTANTIATE_FOR_BACKENDS(RegistryTest);

}  // namespace
}  // namespace ektp::registry
