#include "registry/demo/demo_population.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <unordered_map>

#include <fmt/format.h>

#include "core/assert.h"
#include "core/eligibility.h"
#include "core/limits.h"
#include "core/nik.h"
#include "registry/demo/demo_attributes.h"
#include "registry/demo/demo_household.h"

namespace ektp::registry::demo {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

// Religion shares of Indonesia (Kemendagri 2023), in Religion order.
constexpr std::array<double, 7> kReligionWeights = {87.1, 7.4, 3.1, 1.7, 0.7, 0.05, 0.04};
constexpr double kForeignHouseholdShare = 0.0004;  // WNA households: a handful per regency
constexpr double kCardPrintedShare = 0.93;         // of those enrolled
constexpr double kLocalBirthShareChildren = 0.92;
constexpr double kLocalBirthShareAdults = 0.68;

struct Village {
  const Region* region = nullptr;
  std::string district_code;
  std::size_t quota_persons = 0;
  int rw_count = 1;
  int rt_per_rw = 1;
};

// "Kabupaten Pemalang" → "PEMALANG": the place of birth as the card prints it.
std::string place_name(std::string_view region_name) {
  for (std::string_view prefix : {"Kabupaten ", "Kota ", "Kab. "}) {
    if (region_name.starts_with(prefix)) region_name.remove_prefix(prefix.size());
  }
  std::string place(region_name);
  for (char& c : place) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return place;
}

NameCulture culture_for(DemoRandom& random, Religion religion) {
  double roll = random.unit();
  switch (religion) {
    case Religion::kIslam:
      return roll < 0.62 ? NameCulture::kJavanese
             : roll < 0.88 ? NameCulture::kMuslim : NameCulture::kSundanese;
    case Religion::kKristen:
    case Religion::kKatolik:
      return roll < 0.7 ? NameCulture::kChristian
             : roll < 0.85 ? NameCulture::kJavanese : NameCulture::kChinese;
    case Religion::kHindu: return roll < 0.9 ? NameCulture::kBalinese : NameCulture::kJavanese;
    case Religion::kBuddha: return roll < 0.85 ? NameCulture::kChinese : NameCulture::kJavanese;
    case Religion::kKhonghucu: return NameCulture::kChinese;
    case Religion::kKepercayaan: return NameCulture::kJavanese;
  }
  return NameCulture::kJavanese;
}

Status validate_options(const DemoOptions& options, const RegionDirectory& regions) {
  const Region* regency = regions.find(options.regency_code);
  if (regency == nullptr || regency->level != RegionLevel::kRegency) {
    return not_found(fmt::format("demo population: regency '{}' is not a known regency code "
                                 "(4 digits, such as 3327 for Pemalang)",
                                 options.regency_code.substr(0, 20)));
  }
  if (options.persons == 0 || options.persons > limits::demo_persons_max) {
    return invalid_argument(fmt::format("demo population: persons must be 1 to {}, not {}",
                                        limits::demo_persons_max, options.persons));
  }
  if (!options.today.ok() || options.today.year() < std::chrono::year{2000} ||
      options.today.year() > std::chrono::year{2150}) {
    return invalid_argument("demo population: today must be a real date from 2000 to 2150");
  }
  if (!(options.enrolled_share >= 0.0 && options.enrolled_share <= 1.0)) {
    return invalid_argument(fmt::format("demo population: enrolled_share must be 0 to 1, not {}",
                                        options.enrolled_share));
  }
  return {};
}

// Every village of the regency with its share of the persons: roughly even, with noise, and
// summing exactly to `persons` (cumulative rounding).
std::vector<Village> plan_villages(DemoRandom& random, const RegionDirectory& regions,
                                   std::string_view regency_code, std::size_t persons) {
  std::vector<Village> villages;
  for (const Region& district : regions.children(regency_code)) {
    for (const Region& village : regions.children(district.code)) {
      villages.push_back({&village, district.code, 0, 1, 1});
    }
  }
  std::vector<double> weights;
  double total = 0;
  for (std::size_t i = 0; i < villages.size(); ++i) {
    weights.push_back(0.6 + 0.8 * random.unit());
    total += weights.back();
  }
  double cumulative = 0;
  std::size_t assigned = 0;
  for (std::size_t i = 0; i < villages.size(); ++i) {
    cumulative += weights[i];
    double share = cumulative / total;
    auto until = i + 1 == villages.size()
                     ? persons
                     : static_cast<std::size_t>(static_cast<double>(persons) * share + 0.5);
    until = std::clamp(until, assigned, persons);
    villages[i].quota_persons = until - assigned;
    assigned = until;
    // A village of ~4,000 people has about 6 RW of 5 RT.
    auto size = static_cast<int>(villages[i].quota_persons);
    villages[i].rw_count = std::clamp(size / 700 + 1, 1, 20);
    villages[i].rt_per_rw = std::clamp(size / (villages[i].rw_count * 150) + 1, 1, 15);
  }
  return villages;
}

// Places of birth: the regency itself, its neighbours by code in the same province, big cities.
struct BirthPlaces {
  std::string local;
  std::vector<std::string> nearby;
};

BirthPlaces birth_places(const RegionDirectory& regions, std::string_view regency_code) {
  BirthPlaces places;
  places.local = place_name(regions.find(regency_code)->name);
  auto siblings = regions.children(regency_code.substr(0, 2));
  for (std::size_t i = 0; i < siblings.size(); ++i) {
    if (siblings[i].code == regency_code) {
      std::size_t first = i >= 3 ? i - 3 : 0;
      for (std::size_t k = first; k < std::min(i + 4, siblings.size()); ++k) {
        if (k != i) places.nearby.push_back(place_name(siblings[k].name));
      }
    }
  }
  if (places.nearby.empty()) places.nearby.push_back(places.local);
  return places;
}

// Serial counters per 12-digit NIK or KK prefix; the prefix itself is the key.
class SerialCounters {
 public:
  explicit SerialCounters(std::size_t prefixes_expected) { last_.reserve(prefixes_expected); }

  Result<int> next(std::string_view prefix) {
    std::uint64_t key = 0;
    std::from_chars(prefix.data(), prefix.data() + prefix.size(), key);
    auto& last = last_[key];
    if (last >= nik_serial_max) {
      return make_error(ErrorCode::kResourceExhausted,
                        fmt::format("demo population: serials of prefix {} are used up", prefix));
    }
    return ++last;
  }

 private:
  std::unordered_map<std::uint64_t, std::uint16_t> last_;
};

class Generator {
 public:
  Generator(const DemoOptions& options, const RegionDirectory& regions)
      : options_(options),
        random_(options.seed ^ 0x656b7470'64656d6fULL),  // "ektpdemo": seed 0 is fine too
        today_(sys_days{options.today}),
        places_(birth_places(regions, options.regency_code)),
        nik_serials_(options.persons),
        kk_serials_(options.persons / 3) {}

  Status run(const RegionDirectory& regions, const DemoSink& sink);

 private:
  Status household(const Village& village, std::size_t size_max);
  Address address_in(const Village& village);
  std::string birth_place(const Person& person, NameCulture culture);
  void fill_attributes(Person& person);
  Status flush(const DemoSink& sink);

  const DemoOptions& options_;
  DemoRandom random_;
  sys_days today_;
  BirthPlaces places_;
  SerialCounters nik_serials_;
  SerialCounters kk_serials_;
  std::vector<Family> families_;
  std::vector<Person> persons_;
};

Status Generator::run(const RegionDirectory& regions, const DemoSink& sink) {
  auto villages = plan_villages(random_, regions, options_.regency_code, options_.persons);
  if (villages.empty()) {
    return not_found(fmt::format("demo population: regency {} has no villages",
                                 options_.regency_code));
  }
  families_.reserve(demo_batch_persons / 2);
  persons_.reserve(demo_batch_persons + limits::family_members_max);
  std::size_t generated = 0;
  for (const Village& village : villages) {
    std::size_t left = village.quota_persons;
    while (left > 0) {  // bounded: every household takes at least one person
      std::size_t before = persons_.size();
      if (auto s = household(village, std::min(left, limits::family_members_max)); !s) return s;
      std::size_t added = persons_.size() - before;
      EKTP_ASSERT(added >= 1 && added <= left);
      left -= added;
      generated += added;
      if (persons_.size() >= demo_batch_persons) {
        if (auto s = flush(sink); !s) return s;
      }
    }
  }
  EKTP_ASSERT(generated == options_.persons);
  return flush(sink);
}

Status Generator::flush(const DemoSink& sink) {
  if (persons_.empty()) return {};
  auto status = sink(families_, persons_);
  families_.clear();
  persons_.clear();
  return status;
}

Address Generator::address_in(const Village& village) {
  int rw = random_.between(1, village.rw_count);
  int rt = random_.between(1, village.rt_per_rw);
  Address address;
  address.rw = fmt::format("{:03d}", rw);
  address.rt = fmt::format("{:03d}", rt);
  address.village_code = village.region->code;
  auto dusuns = dusun_names();
  if (random_.chance(0.65)) {  // one dusun per RW, so neighbours agree on its name
    std::size_t code_sum = 0;
    for (char c : village.region->code) {
      code_sum = code_sum * 31 + static_cast<std::size_t>(c - '0');
    }
    std::size_t which = (code_sum + static_cast<std::size_t>(rw)) % dusuns.size();
    address.street = fmt::format("DUSUN {}", dusuns[which]);
  } else {
    address.street = fmt::format("JL. {} NO. {}", random_.pick(street_names()),
                                 random_.between(1, 150));
  }
  return address;
}

std::string Generator::birth_place(const Person& person, NameCulture culture) {
  bool child = person.relation == FamilyRelation::kAnak || person.relation == FamilyRelation::kCucu;
  const auto& origins = name_lists(culture).origin_cities;
  bool migrant_tradition = culture != NameCulture::kJavanese && culture != NameCulture::kMuslim;
  if (!child && migrant_tradition && random_.chance(0.6)) return std::string(random_.pick(origins));
  double roll = random_.unit();
  double local = child ? kLocalBirthShareChildren : kLocalBirthShareAdults;
  if (roll < local) return places_.local;
  if (roll < local + (1 - local) * 0.65) {
    return random_.pick(std::span<const std::string>(places_.nearby));
  }
  return std::string(random_.pick(big_cities()));
}

void Generator::fill_attributes(Person& person) {
  int age = age_in_years(person.birth_date, options_.today);
  person.blood_type = pick_blood_type(random_);
  person.education = pick_education(random_, age);
  person.occupation = std::string(pick_occupation(random_, age, person.sex, person.education));
  if (person.relation == FamilyRelation::kIstri && age < 60 && random_.chance(0.25)) {
    person.occupation = std::string(occupation::kHousewife);
  }
  if (wajib_ktp(person, options_.today).required) {
    person.enrolled = random_.chance(options_.enrolled_share);
    person.card_printed = person.enrolled && random_.chance(kCardPrintedShare);
  }
}

Status Generator::household(const Village& village, std::size_t size_max) {
  HouseholdContext context;
  context.today = today_;
  bool foreign = random_.chance(kForeignHouseholdShare);
  context.religion = foreign ? (random_.chance(0.5) ? Religion::kKristen : Religion::kBuddha)
                             : static_cast<Religion>(random_.weighted(kReligionWeights));
  context.culture = foreign ? NameCulture::kForeign : culture_for(random_, context.religion);
  context.family_name = pick_family_name(random_, context.culture);
  auto members = build_household(random_, context, foreign ? std::min<std::size_t>(size_max, 2)
                                                           : size_max);
  Family family;
  family.address = address_in(village);
  // The current card was issued after the head came of age, within the last 15 years, and
  // not before its youngest member was born (a birth reissues the card).
  sys_days head_birth{members.front().birth_date};
  sys_days earliest = std::max(head_birth + days{17 * 366},
                               today_ - days{demo_kk_age_years_max * 365});
  for (const Person& member : members) earliest = std::max(earliest, sys_days{member.birth_date});
  sys_days latest = today_ - days{1};
  earliest = std::min(earliest, latest);
  auto issued = earliest + days{static_cast<int>(random_.below(
                               static_cast<std::uint64_t>((latest - earliest).count()) + 1))};
  family.issued_on = CivilDate{issued};
  auto kk_serial = kk_serials_.next(kk_prefix(village.district_code, family.issued_on));
  if (!kk_serial) return std::unexpected(kk_serial.error());
  family.kk_number = format_kk_number(village.district_code, family.issued_on, *kk_serial);
  for (Person& person : members) {
    auto serial =
        nik_serials_.next(nik_prefix(village.district_code, person.birth_date, person.sex));
    if (!serial) return std::unexpected(serial.error());
    person.nik = format_nik(village.district_code, person.birth_date, person.sex, *serial);
    person.kk_number = family.kk_number;
    person.address = family.address;
    person.citizenship = foreign ? Citizenship::kWNA : Citizenship::kWNI;
    person.birth_place = birth_place(person, context.culture);
    fill_attributes(person);
  }
  family.head_nik = members.front().nik;
  families_.push_back(std::move(family));
  for (Person& person : members) persons_.push_back(std::move(person));
  return {};
}

}  // namespace

Status generate_demo_population(const DemoOptions& options, const RegionDirectory& regions,
                                const DemoSink& sink) {
  if (auto s = validate_options(options, regions); !s) return s;
  EKTP_ASSERT(sink != nullptr);
  Generator generator(options, regions);
  return generator.run(regions, sink);
}

}  // namespace ektp::registry::demo
