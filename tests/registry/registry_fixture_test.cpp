// The shared fixture's seeding (lives in a _test.cpp so the module's test glob builds it).
#include "registry_fixture.h"

namespace ektp::registry {

namespace {

Person make_person(std::string nik, std::string kk, FamilyRelation relation, std::string name, CivilDate birth,
                   Sex sex, MaritalStatus marital) {
  Person p;
  p.nik = std::move(nik);
  p.kk_number = std::move(kk);
  p.relation = relation;
  p.name = std::move(name);
  p.birth_place = "Pemalang";
  p.birth_date = birth;
  p.sex = sex;
  p.marital_status = marital;
  p.occupation = "PETANI/PEKEBUN";
  p.address = {"Dusun Krajan", "001", "002", RegistryTest::kVillage};
  return p;
}

}  // namespace

void RegistryTest::SetUp() {
  BackendTest::SetUp();
  if (IsSkipped()) return;
  ASSERT_OK(store::migrate(db(), store::registry_migrations()));
  registry = std::make_unique<CivilRegistry>(db(), RegionDirectory::builtin());
  using namespace std::chrono;
  CivilDate b_budi{year{1985}, March, day{4}}, b_siti{year{1988}, July, day{21}},
      b_andi{year{2012}, January, day{9}}, b_rina{year{2000}, May, day{2}};
  kk = format_kk_number("332701", CivilDate{year{2013}, February, day{1}}, 1);
  budi = format_nik("332701", b_budi, Sex::kMale, 1);
  siti = format_nik("332701", b_siti, Sex::kFemale, 1);
  andi = format_nik("332701", b_andi, Sex::kMale, 1);
  rina = format_nik("332701", b_rina, Sex::kFemale, 1);
  auto rina_kk = format_kk_number("332701", CivilDate{year{2019}, June, day{3}}, 1);
  auto seeded = store::with_write_transaction<bool>(db(), [&](store::Connection& c) -> Result<bool> {
    Family f;
    f.kk_number = kk;
    f.head_nik = budi;
    f.address = {"Dusun Krajan", "001", "002", kVillage};
    f.issued_on = CivilDate{year{2013}, February, day{1}};
    Family r = f;
    r.kk_number = rina_kk;
    r.head_nik = rina;
    for (auto* fam : {&f, &r}) {
      if (auto s = insert_family(c, *fam, 0); !s) return std::unexpected(s.error());
    }
    std::vector<Person> people = {
        make_person(budi, kk, FamilyRelation::kKepalaKeluarga, "Budi Santoso", b_budi, Sex::kMale, MaritalStatus::kKawin),
        make_person(siti, kk, FamilyRelation::kIstri, "Siti Aminah", b_siti, Sex::kFemale, MaritalStatus::kKawin),
        make_person(andi, kk, FamilyRelation::kAnak, "Andi Pratama", b_andi, Sex::kMale, MaritalStatus::kBelumKawin),
        make_person(rina, rina_kk, FamilyRelation::kKepalaKeluarga, "Rina Wulandari", b_rina, Sex::kFemale,
                    MaritalStatus::kBelumKawin)};
    for (const auto& p : people) {
      if (auto s = insert_person(c, p, 0); !s) return std::unexpected(s.error());
    }
    return true;
  });
  ASSERT_OK(seeded);
}

}  // namespace ektp::registry
