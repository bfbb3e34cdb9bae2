#include "registry/demo/demo_household.h"

#include <algorithm>
#include <array>
#include <optional>

#include "core/assert.h"

namespace ektp::registry::demo {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr double kDaysPerYear = 365.2425;

enum class Kind { kSingle, kCouple, kNuclear, kSingleParent, kWithElder, kThreeGenerations };
// Shares of household kinds, tuned so the mean size is about 3.8 (BPS SP2020: 3.8).
constexpr std::array<double, 6> kKindWeights = {9, 12, 52, 9, 10, 8};
// Children of a couple: 1, 2, 3, 4.
constexpr std::array<double, 4> kChildCountWeights = {30, 36, 21, 13};

struct AgeBand {
  int low;
  int high;
  double weight;
};
// Age of the mother in a household of parents and children.
constexpr AgeBand kMotherAges[] = {{20, 24, 3},  {25, 29, 8},  {30, 34, 13}, {35, 39, 16},
                                   {40, 44, 17}, {45, 49, 15}, {50, 54, 12}, {55, 59, 8},
                                   {60, 64, 4}};
constexpr days sibling_spacing_min{365};
// Mother's age when a child is born (age-specific fertility, BPS SP2020).
constexpr AgeBand kMotherAgeAtBirth[] = {{18, 19, 3}, {20, 24, 20}, {25, 29, 27}, {30, 34, 24},
                                         {35, 39, 17}, {40, 44, 9}};

days years_to_days(double years) { return days{static_cast<int>(years * kDaysPerYear)}; }

class HouseholdBuilder {
 public:
  HouseholdBuilder(DemoRandom& random, const HouseholdContext& context, std::size_t size_max)
      : random_(random), context_(context), size_max_(size_max) {}

  std::vector<Person> build();

 private:
  bool room() const { return members_.size() < size_max_; }
  Sex random_sex(double male_share) {
    return random_.chance(male_share) ? Sex::kMale : Sex::kFemale;
  }
  Sex other(Sex sex) const { return sex == Sex::kMale ? Sex::kFemale : Sex::kMale; }

  int age_from(std::span<const AgeBand> bands);
  sys_days birth_for_age(int age_years);
  int age_of(sys_days birth) const {
    return static_cast<int>((context_.today - birth).count() / kDaysPerYear);
  }
  std::optional<sys_days> child_birth(sys_days mother_birth, int age_min_years, int age_max_years);
  std::optional<sys_days> parent_birth(sys_days child_birth, Sex parent_sex);

  Person& add(FamilyRelation relation, Sex sex, sys_days birth, MaritalStatus status,
              std::string_view family_name);
  std::string fresh_name(Sex sex, std::string_view family_name, std::size_t birth_order);
  void give_parents(Person& person, std::string_view family_name);
  int spouse_age(int head_age);

  void single();
  void couple(int husband_age);
  void nuclear(int mother_age, int children_max);
  void single_parent();
  void with_elder();
  void three_generations();
  void children_of(sys_days mother_birth, const std::string& father, const std::string& mother,
                   FamilyRelation relation, int count, int age_min_years, int age_max_years);

  DemoRandom& random_;
  const HouseholdContext& context_;
  std::size_t size_max_;
  std::vector<Person> members_;
  // The parents of the children being added: a child is never named after either of them, so
  // that a name on a household's records points at one person.
  std::array<std::string, 2> parents_of_next_;
};

int HouseholdBuilder::age_from(std::span<const AgeBand> bands) {
  std::array<double, 16> weights{};
  EKTP_ASSERT(bands.size() <= weights.size());
  for (std::size_t i = 0; i < bands.size(); ++i) weights[i] = bands[i].weight;
  const auto& band = bands[random_.weighted(std::span(weights.data(), bands.size()))];
  return random_.between(band.low, band.high);
}

sys_days HouseholdBuilder::birth_for_age(int age_years) {
  age_years = std::clamp(age_years, 0, demo_age_years_max);
  auto back = years_to_days(age_years) + days{static_cast<int>(random_.below(365))} + days{1};
  return context_.today - back;
}

// A birth `age_min_years`..`age_max_years` years before today and 18–45 years after the mother's.
std::optional<sys_days> HouseholdBuilder::child_birth(sys_days mother_birth, int age_min_years,
                                                      int age_max_years) {
  sys_days earliest = std::max(mother_birth + years_to_days(mother_age_at_birth_min) + days{2},
                               context_.today - years_to_days(age_max_years + 1) + days{1});
  sys_days latest = std::min(mother_birth + years_to_days(mother_age_at_birth_max) - days{2},
                             context_.today - years_to_days(age_min_years) - days{1});
  if (latest < earliest) return std::nullopt;
  // Mothers mostly give birth in their twenties and early thirties; a few draws from that curve
  // keep the youngest age bands from swelling, and the uniform fallback keeps it bounded.
  for (int attempt = 0; attempt < 6; ++attempt) {
    sys_days birth = mother_birth + years_to_days(age_from(kMotherAgeAtBirth)) +
                     days{static_cast<int>(random_.below(365))};
    if (birth >= earliest && birth <= latest) return birth;
  }
  auto span_days = static_cast<std::uint64_t>((latest - earliest).count()) + 1;
  return earliest + days{static_cast<int>(random_.below(span_days))};
}

// A parent of someone born on `child_birth`, no older than demo_age_years_max today.
std::optional<sys_days> HouseholdBuilder::parent_birth(sys_days child_birth, Sex parent_sex) {
  int gap_max = parent_sex == Sex::kFemale ? mother_age_at_birth_max - 1 : 50;
  sys_days earliest = std::max(child_birth - years_to_days(gap_max),
                               context_.today - years_to_days(demo_age_years_max));
  sys_days latest = child_birth - years_to_days(mother_age_at_birth_min + 2);
  if (latest < earliest) return std::nullopt;
  auto span_days = static_cast<std::uint64_t>((latest - earliest).count()) + 1;
  return earliest + days{static_cast<int>(random_.below(span_days))};
}

std::string HouseholdBuilder::fresh_name(Sex sex, std::string_view family_name,
                                         std::size_t birth_order) {
  std::string name;
  for (int attempt = 0; attempt < 8; ++attempt) {  // siblings do not share a name
    name = make_person_name(random_, context_.culture, sex, family_name, birth_order);
    bool taken = std::any_of(members_.begin(), members_.end(), [&](const Person& p) {
      return p.name == name || p.father_name == name || p.mother_name == name;
    });
    taken = taken || name == parents_of_next_[0] || name == parents_of_next_[1];
    if (!taken) break;
  }
  return name;
}

Person& HouseholdBuilder::add(FamilyRelation relation, Sex sex, sys_days birth,
                              MaritalStatus status, std::string_view family_name) {
  EKTP_ASSERT(room());
  std::size_t birth_order = 0;
  for (const auto& p : members_) birth_order += p.relation == relation ? 1 : 0;
  Person person;
  person.relation = relation;
  person.sex = sex;
  person.birth_date = CivilDate{birth};
  person.marital_status = status;
  person.religion = context_.religion;
  person.name = fresh_name(sex, family_name, birth_order);
  members_.push_back(std::move(person));
  return members_.back();
}

// Parents' names for someone whose parents do not live in the household.
void HouseholdBuilder::give_parents(Person& person, std::string_view family_name) {
  person.father_name = make_person_name(random_, context_.culture, Sex::kMale, family_name, 0);
  person.mother_name = make_person_name(random_, context_.culture, Sex::kFemale,
                                        pick_family_name(random_, context_.culture), 1);
}

int HouseholdBuilder::spouse_age(int head_age) {
  int gap = random_.between(-1, 4) + random_.between(0, 5);  // wives are mostly 2–5 years younger
  return std::clamp(head_age - gap, marriage_age_min, demo_age_years_max);
}

void HouseholdBuilder::children_of(sys_days mother_birth, const std::string& father,
                                   const std::string& mother, FamilyRelation relation, int count,
                                   int age_min_years, int age_max_years) {
  std::vector<sys_days> births;
  for (int i = 0; i < count; ++i) {
    for (int attempt = 0; attempt < 4; ++attempt) {  // siblings are born at least a year apart
      auto birth = child_birth(mother_birth, age_min_years, age_max_years);
      if (!birth) break;
      bool spaced = std::all_of(births.begin(), births.end(), [&](sys_days other_birth) {
        return std::chrono::abs(*birth - other_birth) >= sibling_spacing_min;
      });
      if (spaced) {
        births.push_back(*birth);
        break;
      }
    }
  }
  std::sort(births.begin(), births.end());  // the eldest is listed first
  std::string_view family_name = context_.family_name;
  parents_of_next_ = {father, mother};
  for (sys_days birth : births) {
    if (!room()) return;
    Person& child =
        add(relation, random_sex(0.515), birth, MaritalStatus::kBelumKawin, family_name);
    child.father_name = father;
    child.mother_name = mother;
  }
  parents_of_next_ = {};
}

void HouseholdBuilder::single() {
  double roll = random_.unit();
  if (roll < 0.55) {  // a young adult living alone, working
    Sex sex = random_sex(0.55);
    Person& head = add(FamilyRelation::kKepalaKeluarga, sex, birth_for_age(random_.between(19, 34)),
                       MaritalStatus::kBelumKawin, context_.family_name);
    give_parents(head, context_.family_name);
  } else if (roll < 0.7) {
    Person& head = add(FamilyRelation::kKepalaKeluarga, random_sex(0.5),
                       birth_for_age(random_.between(30, 59)), MaritalStatus::kCeraiHidup,
                       context_.family_name);
    give_parents(head, context_.family_name);
  } else {  // widows outlive widowers
    Person& head = add(FamilyRelation::kKepalaKeluarga, random_sex(0.28),
                       birth_for_age(random_.between(60, 90)), MaritalStatus::kCeraiMati,
                       context_.family_name);
    give_parents(head, context_.family_name);
  }
}

void HouseholdBuilder::couple(int husband_age) {
  Person& head = add(FamilyRelation::kKepalaKeluarga, Sex::kMale, birth_for_age(husband_age),
                     MaritalStatus::kKawin, context_.family_name);
  give_parents(head, context_.family_name);
  if (!room()) return;
  Person& wife = add(FamilyRelation::kIstri, Sex::kFemale, birth_for_age(spouse_age(husband_age)),
                     MaritalStatus::kKawin, pick_family_name(random_, context_.culture));
  give_parents(wife, pick_family_name(random_, context_.culture));
}

void HouseholdBuilder::nuclear(int mother_age, int children_max) {
  int husband_age = std::clamp(mother_age + random_.between(-1, 4) + random_.between(0, 5),
                               marriage_age_min, demo_age_years_max);
  couple(husband_age);
  if (members_.size() < 2) return;
  sys_days mother_birth = sys_days{members_[1].birth_date};
  std::string father = members_[0].name;
  std::string mother = members_[1].name;
  // Young mothers have had fewer children so far: one by 23, two by 27, three by 31.
  int count = static_cast<int>(random_.weighted(kChildCountWeights)) + 1;
  count = std::min({count, children_max, 1 + std::max(0, age_of(mother_birth) - 19) / 4});
  children_of(mother_birth, father, mother, FamilyRelation::kAnak, count, 0, 26);
}

void HouseholdBuilder::single_parent() {
  Sex sex = random_sex(0.25);
  auto status = random_.chance(0.45) ? MaritalStatus::kCeraiHidup : MaritalStatus::kCeraiMati;
  int age = random_.between(28, 62);
  Person& head = add(FamilyRelation::kKepalaKeluarga, sex, birth_for_age(age), status,
                     context_.family_name);
  give_parents(head, context_.family_name);
  // The other parent has left or died; only their name remains on the children's records.
  std::string absent = make_person_name(random_, context_.culture, other(sex),
                                        sex == Sex::kFemale ? context_.family_name : "", 0);
  sys_days mother_birth = sex == Sex::kFemale
                              ? sys_days{head.birth_date}
                              : birth_for_age(std::max(age - random_.between(0, 6), 20));
  std::string father = sex == Sex::kMale ? head.name : absent;
  std::string mother = sex == Sex::kFemale ? head.name : absent;
  children_of(mother_birth, father, mother, FamilyRelation::kAnak, random_.between(1, 3), 0, 26);
}

void HouseholdBuilder::with_elder() {
  int mother_age = random_.between(25, 50);
  nuclear(mother_age, static_cast<int>(size_max_) - 3);
  if (members_.size() < 2 || !room()) return;
  // The elder is the head's own parent (orang tua) or his wife's (mertua).
  bool heads_side = random_.chance(0.6);
  std::size_t child_index = heads_side ? 0 : 1;
  auto relation = heads_side ? FamilyRelation::kOrangTua : FamilyRelation::kMertua;
  sys_days child_birth_day = sys_days{members_[child_index].birth_date};
  bool both = random_.chance(0.25) && members_.size() + 2 <= size_max_;
  Sex first_sex = both ? Sex::kFemale : random_sex(0.3);
  std::string_view family_name = heads_side ? context_.family_name : std::string_view{};
  for (int i = 0; i < (both ? 2 : 1); ++i) {
    Sex sex = i == 0 ? first_sex : Sex::kMale;
    auto birth = parent_birth(child_birth_day, sex);
    if (!birth || !room()) return;
    auto status = both ? MaritalStatus::kKawin : MaritalStatus::kCeraiMati;
    Person& elder = add(relation, sex, *birth, status, family_name);
    give_parents(elder, family_name);
    std::string elder_name = elder.name;
    Person& child = members_[child_index];
    (sex == Sex::kFemale ? child.mother_name : child.father_name) = elder_name;
  }
}

void HouseholdBuilder::three_generations() {
  couple(random_.between(50, 72));
  if (members_.size() < 2 || !room()) return;
  sys_days grandmother = sys_days{members_[1].birth_date};
  std::string father = members_[0].name;
  std::string mother = members_[1].name;
  auto married_birth = child_birth(grandmother, 24, 42);
  if (!married_birth) return;
  Sex child_sex = random_sex(0.6);
  Person& child = add(FamilyRelation::kAnak, child_sex, *married_birth, MaritalStatus::kKawin,
                      context_.family_name);
  child.father_name = father;
  child.mother_name = mother;
  std::string child_name = child.name;
  if (!room()) return;
  int child_age = age_of(*married_birth);
  int in_law_age = child_sex == Sex::kMale ? spouse_age(child_age)
                                           : std::min(child_age + random_.between(0, 6), 60);
  Person& in_law = add(FamilyRelation::kMenantu, other(child_sex), birth_for_age(in_law_age),
                       MaritalStatus::kKawin, pick_family_name(random_, context_.culture));
  give_parents(in_law, pick_family_name(random_, context_.culture));
  std::string in_law_name = in_law.name;
  bool child_is_mother = child_sex == Sex::kFemale;
  sys_days cucu_mother = child_is_mother ? *married_birth : sys_days{in_law.birth_date};
  children_of(cucu_mother, child_is_mother ? in_law_name : child_name,
              child_is_mother ? child_name : in_law_name, FamilyRelation::kCucu,
              random_.between(1, 2), 0, 20);
  if (room() && random_.chance(0.35)) {
    children_of(grandmother, father, mother, FamilyRelation::kAnak, 1, 12, 25);
  }
}

std::vector<Person> HouseholdBuilder::build() {
  auto kind = static_cast<Kind>(random_.weighted(kKindWeights));
  std::size_t size_min = kind == Kind::kSingle ? 1 : kind == Kind::kCouple ? 2 : 3;
  if (size_max_ < size_min) kind = size_max_ == 1 ? Kind::kSingle : Kind::kNuclear;
  switch (kind) {
    case Kind::kSingle: single(); break;
    case Kind::kCouple: couple(random_.chance(0.55) ? random_.between(21, 34)
                                                   : random_.between(55, 85)); break;
    case Kind::kNuclear: nuclear(age_from(kMotherAges), static_cast<int>(size_max_) - 2); break;
    case Kind::kSingleParent: single_parent(); break;
    case Kind::kWithElder: with_elder(); break;
    case Kind::kThreeGenerations: three_generations(); break;
  }
  EKTP_ASSERT(!members_.empty() && members_.size() <= size_max_);
  return std::move(members_);
}

}  // namespace

std::vector<Person> build_household(DemoRandom& random, const HouseholdContext& context,
                                    std::size_t size_max) {
  EKTP_ASSERT(size_max >= 1);
  return HouseholdBuilder(random, context, size_max).build();
}

}  // namespace ektp::registry::demo
