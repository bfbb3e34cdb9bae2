#include "registry/demo/demo_population.h"

#include <chrono>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/assert.h"
#include "core/eligibility.h"
#include "core/limits.h"
#include "core/nik.h"
#include "support/test_support.h"

namespace ektp::registry::demo {
namespace {

using std::chrono::sys_days;

constexpr CivilDate kToday{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{23}};

struct Population {
  std::vector<Family> families;
  std::vector<Person> persons;
  std::size_t batches = 0;
  bool batches_whole = true;  // every batch holds each of its families' members
};

Result<Population> generate(std::size_t persons, std::uint64_t seed,
                            std::string regency = "3327") {
  DemoOptions options;
  options.regency_code = std::move(regency);
  options.persons = persons;
  options.seed = seed;
  options.today = kToday;
  Population population;
  auto status = generate_demo_population(
      options, RegionDirectory::builtin(),
      [&](std::span<const Family> families, std::span<const Person> people) -> Status {
        ++population.batches;
        std::unordered_map<std::string, int> members;
        for (const Person& p : people) ++members[p.kk_number];
        for (const Family& f : families) population.batches_whole &= members[f.kk_number] > 0;
        population.batches_whole &= members.size() == families.size();
        population.families.insert(population.families.end(), families.begin(), families.end());
        population.persons.insert(population.persons.end(), people.begin(), people.end());
        return {};
      });
  if (!status) return std::unexpected(status.error());
  return population;
}

// One 20,000-person population shared by the checks below (generated once).
const Population& pemalang() {
  static const Population population = [] {
    auto generated = generate(20'000, 42);
    EKTP_ASSERT(generated.has_value());
    return std::move(*generated);
  }();
  return population;
}

TEST(DemoPopulation, GeneratesExactlyTheRequestedPersonsInWholeHouseholdBatches) {
  const auto& population = pemalang();
  EXPECT_EQ(population.persons.size(), 20'000u);
  EXPECT_GE(population.batches, 4u);
  EXPECT_TRUE(population.batches_whole);
}

TEST(DemoPopulation, EveryNIKParsesMatchesThePersonAndIsUnique) {
  std::unordered_set<std::string> seen;
  for (const Person& p : pemalang().persons) {
    auto parts = parse_nik(p.nik, RegionDirectory::builtin(), kToday);
    ASSERT_TRUE(parts.has_value()) << p.nik << ": " << parts.error().message;
    EXPECT_EQ(parts->birth_date, p.birth_date) << p.nik;
    EXPECT_EQ(parts->sex, p.sex) << p.nik;
    EXPECT_EQ(parts->district_code, p.address.village_code.substr(0, 6)) << p.nik;
    EXPECT_TRUE(seen.insert(p.nik).second) << "duplicate NIK " << p.nik;
  }
}

TEST(DemoPopulation, EveryKKNumberParsesAndIsUnique) {
  std::unordered_set<std::string> seen;
  for (const Family& f : pemalang().families) {
    auto parts = parse_kk_number(f.kk_number, RegionDirectory::builtin(), kToday);
    ASSERT_TRUE(parts.has_value()) << f.kk_number << ": " << parts.error().message;
    EXPECT_EQ(parts->issue_date, f.issued_on);
    EXPECT_EQ(parts->district_code, f.address.village_code.substr(0, 6));
    EXPECT_TRUE(seen.insert(f.kk_number).second) << "duplicate KK " << f.kk_number;
  }
}

TEST(DemoPopulation, EveryVillageOfEveryDistrictHasResidents) {
  std::map<std::string, int> residents;
  for (const Person& p : pemalang().persons) ++residents[p.address.village_code];
  const auto& regions = RegionDirectory::builtin();
  ASSERT_EQ(regions.children("3327").size(), 14u);
  std::size_t villages = 0;
  for (const Region& district : regions.children("3327")) {
    for (const Region& village : regions.children(district.code)) {
      ++villages;
      EXPECT_GT(residents[village.code], 0) << village.code << " " << village.name;
    }
  }
  EXPECT_EQ(residents.size(), villages);
}

TEST(DemoPopulation, AgePyramidLooksIndonesian) {
  std::size_t under_15 = 0, over_65 = 0, total = 0;
  for (const Person& p : pemalang().persons) {
    int age = age_in_years(p.birth_date, kToday);
    EXPECT_GE(age, 0);
    EXPECT_LE(age, 95);
    under_15 += age < 15 ? 1 : 0;
    over_65 += age >= 65 ? 1 : 0;
    ++total;
  }
  double young = static_cast<double>(under_15) / static_cast<double>(total);
  double old = static_cast<double>(over_65) / static_cast<double>(total);
  EXPECT_GE(young, 0.20);
  EXPECT_LE(young, 0.30);
  EXPECT_LT(old, 0.12);
  EXPECT_GT(old, 0.03);
}

TEST(DemoPopulation, HouseholdsHaveIndonesianSizesAndOneHead) {
  const auto& population = pemalang();
  double mean = static_cast<double>(population.persons.size()) /
                static_cast<double>(population.families.size());
  EXPECT_GE(mean, 3.0);
  EXPECT_LE(mean, 4.5);
  std::unordered_map<std::string, int> heads;
  std::unordered_map<std::string, std::string> head_nik;
  for (const Person& p : population.persons) {
    if (p.relation == FamilyRelation::kKepalaKeluarga) {
      ++heads[p.kk_number];
      head_nik[p.kk_number] = p.nik;
    }
  }
  std::unordered_map<std::string, CivilDate> issued_on;
  for (const Family& f : population.families) issued_on[f.kk_number] = f.issued_on;
  for (const Person& p : population.persons) {
    EXPECT_LE(sys_days{p.birth_date}, sys_days{issued_on[p.kk_number]}) << p.nik;
  }
  for (const Family& f : population.families) {
    EXPECT_EQ(heads[f.kk_number], 1) << f.kk_number;
    EXPECT_EQ(head_nik[f.kk_number], f.head_nik) << f.kk_number;
  }
  std::unordered_set<std::string> cards;
  for (const Family& f : population.families) cards.insert(f.kk_number);
  for (const Person& p : population.persons) EXPECT_TRUE(cards.contains(p.kk_number)) << p.nik;
}

// Wives are married women; a child's mother, where she lives with them, is 15+ years older.
// Returns how many child–mother pairs were checked.
std::size_t check_relations(const Population& population) {
  std::unordered_map<std::string, std::vector<const Person*>> by_family;
  for (const Person& p : population.persons) by_family[p.kk_number].push_back(&p);
  std::size_t children_checked = 0;
  for (const auto& [kk, members] : by_family) {
    for (const Person* p : members) {
      if (p->relation == FamilyRelation::kIstri) {
        EXPECT_EQ(p->sex, Sex::kFemale) << p->nik;
        EXPECT_EQ(p->marital_status, MaritalStatus::kKawin) << p->nik;
      }
      if (p->relation != FamilyRelation::kAnak && p->relation != FamilyRelation::kCucu) continue;
      for (const Person* mother : members) {
        if (mother->name != p->mother_name || mother->sex != Sex::kFemale) continue;
        ++children_checked;
        EXPECT_GE(age_in_years(mother->birth_date, sys_days{p->birth_date}), 15)
            << "mother " << mother->nik << " child " << p->nik;
      }
      if (age_in_years(p->birth_date, kToday) < 17) {
        EXPECT_EQ(p->marital_status, MaritalStatus::kBelumKawin) << p->nik;
      }
    }
  }
  return children_checked;
}

TEST(DemoPopulation, RelationsAreConsistent) {
  EXPECT_GT(check_relations(pemalang()), 5'000u);
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    auto population = generate(10'000, seed);
    ASSERT_OK(population);
    EXPECT_GT(check_relations(*population), 2'000u) << "seed " << seed;
  }
}

TEST(DemoPopulation, NamesAndTextsAreValid) {
  for (const Person& p : pemalang().persons) {
    EXPECT_OK(validate_person_name("name", p.name));
    EXPECT_OK(validate_person_name("father_name", p.father_name));
    EXPECT_OK(validate_person_name("mother_name", p.mother_name));
    EXPECT_OK(validate_text("birth_place", p.birth_place, limits::place_bytes_max, true));
    EXPECT_OK(validate_text("occupation", p.occupation, limits::place_bytes_max, true));
    EXPECT_OK(validate_text("street", p.address.street, limits::address_bytes_max, true));
    auto rt = normalize_rt_rw("rt", p.address.rt);
    ASSERT_OK(rt);
    EXPECT_EQ(*rt, p.address.rt);
    auto rw = normalize_rt_rw("rw", p.address.rw);
    ASSERT_OK(rw);
    EXPECT_EQ(*rw, p.address.rw);
  }
}

TEST(DemoPopulation, ReligionAndEnrollmentSharesArePlausible) {
  std::size_t islam = 0, wajib = 0, enrolled = 0, printed = 0;
  const auto& persons = pemalang().persons;
  for (const Person& p : persons) {
    islam += p.religion == Religion::kIslam ? 1 : 0;
    bool required = wajib_ktp(p, kToday).required;
    wajib += required ? 1 : 0;
    EXPECT_TRUE(required || !p.enrolled) << p.nik;
    EXPECT_TRUE(p.enrolled || !p.card_printed) << p.nik;
    enrolled += p.enrolled ? 1 : 0;
    printed += p.card_printed ? 1 : 0;
  }
  double islam_share = static_cast<double>(islam) / static_cast<double>(persons.size());
  EXPECT_GT(islam_share, 0.80);
  EXPECT_LT(islam_share, 0.93);
  double enrolled_share = static_cast<double>(enrolled) / static_cast<double>(wajib);
  EXPECT_NEAR(enrolled_share, 0.9, 0.03);
  EXPECT_GT(printed, enrolled * 8 / 10);
}

TEST(DemoPopulation, IsDeterministicForASeed) {
  auto first = generate(3'000, 7);
  auto again = generate(3'000, 7);
  auto other = generate(3'000, 8);
  ASSERT_OK(first);
  ASSERT_OK(again);
  ASSERT_OK(other);
  ASSERT_EQ(first->persons.size(), again->persons.size());
  std::size_t same_as_other = 0;
  for (std::size_t i = 0; i < first->persons.size(); ++i) {
    EXPECT_EQ(first->persons[i].nik, again->persons[i].nik);
    EXPECT_EQ(first->persons[i].name, again->persons[i].name);
    EXPECT_EQ(first->persons[i].address.street, again->persons[i].address.street);
    same_as_other += first->persons[i].nik == other->persons[i].nik ? 1 : 0;
  }
  EXPECT_LT(same_as_other, 100u);
}

TEST(DemoPopulation, WorksForAnotherRegencyAndASinglePerson) {
  auto city = generate(2'000, 3, "3374");  // Kota Semarang
  ASSERT_OK(city);
  EXPECT_EQ(city->persons.size(), 2'000u);
  auto one = generate(1, 3);
  ASSERT_OK(one);
  ASSERT_EQ(one->persons.size(), 1u);
  EXPECT_EQ(one->persons[0].relation, FamilyRelation::kKepalaKeluarga);
}

TEST(DemoPopulation, RejectsBadOptions) {
  EXPECT_ERROR(generate(100, 1, "9999"), ErrorCode::kNotFound, "regency '9999'");
  EXPECT_ERROR(generate(100, 1, "332701"), ErrorCode::kNotFound, "not a known regency");
  EXPECT_ERROR(generate(0, 1), ErrorCode::kInvalidArgument, "persons must be 1 to");
  EXPECT_ERROR(generate(limits::demo_persons_max + 1, 1), ErrorCode::kInvalidArgument,
               "persons must be 1 to 5000000");
  DemoOptions options;  // today left unset
  auto ignore = [](std::span<const Family>, std::span<const Person>) -> Status { return {}; };
  EXPECT_ERROR(generate_demo_population(options, RegionDirectory::builtin(), ignore),
               ErrorCode::kInvalidArgument, "today");
  options.today = kToday;
  options.enrolled_share = 1.5;
  EXPECT_ERROR(generate_demo_population(options, RegionDirectory::builtin(), ignore),
               ErrorCode::kInvalidArgument, "enrolled_share");
}

TEST(DemoPopulation, StopsAtTheSinksError) {
  DemoOptions options;
  options.persons = 20'000;
  options.today = kToday;
  int calls = 0;
  auto status = generate_demo_population(
      options, RegionDirectory::builtin(),
      [&](std::span<const Family>, std::span<const Person>) -> Status {
        ++calls;
        return make_error(ErrorCode::kUnavailable, "disk full");
      });
  EXPECT_ERROR(status, ErrorCode::kUnavailable, "disk full");
  EXPECT_EQ(calls, 1);
}

// Speed, not correctness: run with --gtest_also_run_disabled_tests.
TEST(DemoPopulation, DISABLED_GenerationSpeed) {
  for (std::size_t persons : {50'000u, 1'000'000u}) {
    DemoOptions options;
    options.persons = persons;
    options.today = kToday;
    std::size_t seen = 0;
    auto start = std::chrono::steady_clock::now();
    auto status = generate_demo_population(
        options, RegionDirectory::builtin(),
        [&](std::span<const Family>, std::span<const Person> people) -> Status {
          seen += people.size();
          return {};
        });
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    ASSERT_OK(status);
    EXPECT_EQ(seen, persons);
    std::printf("demo population: %zu persons in %.2f s\n", persons, elapsed.count());
  }
}

}  // namespace
}  // namespace ektp::registry::demo
