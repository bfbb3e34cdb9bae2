// Birth: the child gets a NIK in the district where the mother lives and joins her family card.
#include <boost/json.hpp>

#include "core/limits.h"
#include "core/nik.h"
#include "registry/detail/event_transaction.h"
#include "registry/person_store.h"
#include "registry/serial_allocator.h"

namespace ektp::registry {

namespace {

constexpr int kMotherAgeYearsMin = 10;

FamilyRelation child_relation(FamilyRelation mother_relation) {
  switch (mother_relation) {
    case FamilyRelation::kKepalaKeluarga:
    case FamilyRelation::kIstri:
    case FamilyRelation::kSuami: return FamilyRelation::kAnak;
    case FamilyRelation::kAnak:
    case FamilyRelation::kMenantu: return FamilyRelation::kCucu;
    default: return FamilyRelation::kFamiliLain;
  }
}

Status validate_birth(const BirthRequest& r, CivilDate today) {
  if (auto s = validate_person_name("name", r.name); !s) return s;
  if (auto s = validate_text("birth_place", r.birth_place, limits::place_bytes_max, true); !s) return s;
  if (auto s = detail::require_not_future(r.birth_date, today, "birth_date"); !s) return s;
  return validate_documents(r.documents);
}

}  // namespace

Result<EventOutcome> CivilRegistry::register_birth(const WriteContext& ctx, const BirthRequest& r) {
  if (auto s = validate_birth(r, ctx.today()); !s) return std::unexpected(s.error());
  return detail::run_event(db_, ctx, [&](store::Connection& c) -> Result<NewEvent> {
    auto mother = load_person(c, r.mother_nik, true);
    if (!mother) return std::unexpected(mother.error());
    if (mother->sex != Sex::kFemale) {
      return invalid_argument(fmt::format("mother_nik: {} is not a woman", r.mother_nik));
    }
    if (!mother->alive && mother->death_date && *mother->death_date < r.birth_date) {
      return failed_precondition(fmt::format("mother {} died before {}", r.mother_nik,
                                             format_civil_date(r.birth_date)));
    }
    if (age_in_years(mother->birth_date, r.birth_date) < kMotherAgeYearsMin) {
      return invalid_argument(fmt::format("birth_date: mother {} would be under {} years old",
                                          r.mother_nik, kMotherAgeYearsMin));
    }
    std::optional<Person> father;
    if (r.father_nik) {
      auto loaded = load_person(c, *r.father_nik);
      if (!loaded) return std::unexpected(loaded.error());
      if (loaded->sex != Sex::kMale) {
        return invalid_argument(fmt::format("father_nik: {} is not a man", *r.father_nik));
      }
      father = std::move(*loaded);
    }
    auto family = load_family(c, mother->kk_number, true);
    if (!family) return std::unexpected(family.error());
    auto members = family_members(c, family->kk_number);
    if (!members) return std::unexpected(members.error());
    if (members->size() >= limits::family_members_max) {
      return failed_precondition(fmt::format("family card {} already has {} members",
                                             family->kk_number, members->size()));
    }
    auto district = family->address.village_code.substr(0, 6);
    auto serial = next_serial(c, nik_prefix(district, r.birth_date, r.sex));
    if (!serial) return std::unexpected(serial.error());

    Person child;
    child.nik = format_nik(district, r.birth_date, r.sex, *serial);
    child.kk_number = family->kk_number;
    child.relation = child_relation(mother->relation);
    child.name = r.name;
    child.birth_place = r.birth_place;
    child.birth_date = r.birth_date;
    child.sex = r.sex;
    child.blood_type = r.blood_type;
    child.religion = r.religion.value_or(mother->religion);
    child.occupation = "BELUM/TIDAK BEKERJA";
    child.education = Education::kTidakSekolah;
    child.citizenship = mother->citizenship;
    child.father_name = father ? father->name : std::string();
    child.mother_name = mother->name;
    child.address = family->address;
    if (auto s = insert_person(c, child, ctx.now_ms()); !s) return std::unexpected(s.error());
    family->issued_on = ctx.today();
    if (auto s = update_family(c, *family, ctx.now_ms()); !s) return std::unexpected(s.error());

    NewEvent event{EventType::kBirth, r.birth_date, r.documents, {}, {}, {}};
    event.subjects.push_back({child.nik, "child"});
    event.subjects.push_back({mother->nik, "mother"});
    if (father) event.subjects.push_back({father->nik, "father"});
    event.payload = {{"name", child.name}, {"birth_place", child.birth_place},
                     {"sex", std::string(sex_code(child.sex))}, {"kk_number", child.kk_number}};
    event.outcome = {{"nik", child.nik}, {"kk_number", child.kk_number}};
    return event;
  });
}

}  // namespace ektp::registry
