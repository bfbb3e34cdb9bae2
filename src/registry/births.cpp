// Birth: the child gets a NIK in the district where the mother lives and joins her family card.
// The NIK's serial comes from central's allocator, from a caller's source (a station's lease), or
// is assigned already (a station's birth arriving at central).
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
  if (auto s = validate_documents(r.documents); !s) return s;
  if (r.assigned_nik) {
    const auto& nik = *r.assigned_nik;
    if (nik.size() != 16 || nik.find_first_not_of("0123456789") != std::string::npos) {
      return invalid_argument(fmt::format("assigned_nik: '{}' is not 16 digits", nik.substr(0, 40)));
    }
    if (nik.ends_with("0000")) return invalid_argument(fmt::format("assigned_nik: {} has serial 0000", nik));
  }
  return {};
}

// The child's NIK within `prefix`: the assigned one, or a serial from the source. An assigned NIK
// must carry the birth date and sex; its district digits are where the birth was registered, which
// the caller vouches for with the serial (a station's district: the mother's card may have moved
// by the time the birth reaches central, and a NIK never changes with a move).
Result<std::string> child_nik(store::Connection& c, const BirthRequest& r, std::string_view prefix,
                              std::string_view district, const NikSerialSource& serial_source) {
  if (r.assigned_nik) {
    const auto& nik = *r.assigned_nik;
    if (nik.substr(6, 6) != prefix.substr(6, 6)) {
      return invalid_argument(fmt::format(
          "assigned_nik: {} does not fit this birth: digits 7–12 must be {} (birth date {}, {})", nik,
          prefix.substr(6, 6), format_civil_date(r.birth_date), r.sex == Sex::kFemale ? "a girl: day + 40" : "a boy"));
    }
    auto taken = load_person(c, nik);
    if (taken) return make_error(ErrorCode::kAlreadyExists, fmt::format("NIK {} is already registered", nik));
    if (taken.error().code != ErrorCode::kNotFound) return std::unexpected(taken.error());
    return nik;
  }
  auto serial = serial_source ? serial_source(c, prefix) : next_serial(c, prefix);
  if (!serial) return std::unexpected(serial.error());
  if (*serial < 1 || *serial > nik_serial_max) {
    return make_error(ErrorCode::kInternal, fmt::format("serial {} for prefix {} is not 1..{}", *serial, prefix,
                                                        nik_serial_max));
  }
  return format_nik(district, r.birth_date, r.sex, *serial);
}

Result<NewEvent> birth_event(store::Connection& c, const WriteContext& ctx, const BirthRequest& r,
                             const NikSerialSource& serial_source) {
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
  auto nik = child_nik(c, r, nik_prefix(district, r.birth_date, r.sex), district, serial_source);
  if (!nik) return std::unexpected(nik.error());

  Person child;
  child.nik = std::move(*nik);
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
}

}  // namespace

Result<EventOutcome> CivilRegistry::register_birth(const WriteContext& ctx, const BirthRequest& r) {
  if (auto s = validate_birth(r, ctx.today()); !s) return std::unexpected(s.error());
  return detail::run_event(db_, after_event_, ctx, [&](store::Connection& c) { return birth_event(c, ctx, r, {}); });
}

Result<EventOutcome> apply_birth(store::Connection& c, const WriteContext& ctx, const BirthRequest& r,
                                 const NikSerialSource& serial_source) {
  if (auto s = validate_birth(r, ctx.today()); !s) return std::unexpected(s.error());
  return detail::run_event_in(c, ctx, [&](store::Connection& conn) { return birth_event(conn, ctx, r, serial_source); });
}

}  // namespace ektp::registry
