// The 27 profile fields and how each is read from a Person (agency/profile_fields.h).
#include "agency/profile_fields.h"

#include <fmt/format.h>

#include "core/civil_date.h"
#include "core/nik.h"
#include "core/region.h"

namespace ektp::agency {
namespace {

// The one list. Its order is the order of the public page and of retrieve answers.
constexpr std::array<ProfileField, kProfileFieldCount> kFields{{
    {"nik", "national identity number (16 digits)"},
    {"kk_number", "family card number (16 digits)"},
    {"name", "full name"},
    {"birth_place", "place of birth"},
    {"birth_date", "date of birth (YYYY-MM-DD)"},
    {"sex", "sex (M / F)"},
    {"blood_type", "blood type"},
    {"religion", "religion"},
    {"marital_status", "marital status"},
    {"family_relation", "relation to the head of the family"},
    {"education", "last education"},
    {"occupation", "occupation"},
    {"father_name", "father's name"},
    {"mother_name", "mother's name"},
    {"citizenship", "citizenship (WNI / WNA)"},
    {"street", "street address"},
    {"rt", "RT"},
    {"rw", "RW"},
    {"village_code", "village code (10 digits)"},
    {"village", "village (kelurahan / desa) name"},
    {"district", "district (kecamatan) name"},
    {"regency", "regency or city name"},
    {"province", "province name"},
    {"alive", "alive (true / false)"},
    {"death_date", "date of death (YYYY-MM-DD, empty while alive)"},
    {"biometrics_recorded", "biometrics recorded (sudah rekam: true / false)"},
    {"card_status", "e-KTP card status (printed / not_printed)"},
}};

// The name of the region of `digits` digits that the village lies in ("" when unknown).
std::string region_name(const Address& address, std::size_t digits) {
  if (address.village_code.size() < digits) return "";
  const Region* region = RegionDirectory::builtin().find(std::string_view(address.village_code).substr(0, digits));
  return region == nullptr ? "" : region->name;
}

std::string_view boolean_text(bool value) { return value ? "true" : "false"; }

}  // namespace

std::span<const ProfileField> profile_fields() { return kFields; }

bool is_profile_field(std::string_view id) {
  for (const ProfileField& field : kFields) {
    if (field.id == id) return true;
  }
  return false;
}

bool is_grant(std::string_view id) { return id == kFamilyGrant || is_profile_field(id); }

Result<std::string> profile_field_value(const Person& person, std::string_view field) {
  const Address& address = person.address;
  if (field == "nik") return person.nik;
  if (field == "kk_number") return person.kk_number;
  if (field == "name") return person.name;
  if (field == "birth_place") return person.birth_place;
  if (field == "birth_date") return format_civil_date(person.birth_date);
  if (field == "sex") return std::string(sex_code(person.sex));
  if (field == "blood_type") return std::string(blood_type_id(person.blood_type));
  if (field == "religion") return std::string(religion_id(person.religion));
  if (field == "marital_status") return std::string(marital_status_id(person.marital_status));
  if (field == "family_relation") return std::string(family_relation_id(person.relation));
  if (field == "education") return std::string(education_id(person.education));
  if (field == "occupation") return person.occupation;
  if (field == "father_name") return person.father_name;
  if (field == "mother_name") return person.mother_name;
  if (field == "citizenship") return std::string(citizenship_id(person.citizenship));
  if (field == "street") return address.street;
  if (field == "rt") return address.rt;
  if (field == "rw") return address.rw;
  if (field == "village_code") return address.village_code;
  if (field == "village") return region_name(address, 10);
  if (field == "district") return region_name(address, 6);
  if (field == "regency") return region_name(address, 4);
  if (field == "province") return region_name(address, 2);
  if (field == "alive") return std::string(boolean_text(person.alive));
  if (field == "death_date") return person.death_date ? format_civil_date(*person.death_date) : std::string();
  if (field == "biometrics_recorded") return std::string(boolean_text(person.enrolled));
  if (field == "card_status") return std::string(person.card_printed ? "printed" : "not_printed");
  if (field == kFamilyGrant) {
    return invalid_argument("field family: the family-card members are a grant, not a value of the resident");
  }
  return invalid_argument(fmt::format("field {}: not a profile field", field));
}

}  // namespace ektp::agency
