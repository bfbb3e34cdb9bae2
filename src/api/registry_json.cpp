#include "api/registry_json.h"

#include <charconv>
#include <chrono>
#include <cmath>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "registry/event_json.h"
#include "registry/json_fields.h"
#include "core/eligibility.h"
#include "core/limits.h"

namespace ektp::api {

namespace {

using namespace ektp::json;

using boost::json::object;

std::string region_name(const RegionDirectory& regions, std::string_view code) {
  const Region* region = regions.find(code);
  return region ? region->name : std::string();
}

using registry::parse_documents;

Result<registry::AddressInput> parse_address(const boost::json::value* value, std::string_view field) {
  return registry::parse_address_input(value, field);
}

}  // namespace

object address_json(const Address& a, const RegionDirectory& regions) {
  auto district = a.village_code.substr(0, 6);
  auto regency = a.village_code.substr(0, 4);
  auto province = a.village_code.substr(0, 2);
  return {{"street", a.street}, {"rt", a.rt}, {"rw", a.rw}, {"village_code", a.village_code},
          {"village", region_name(regions, a.village_code)}, {"district_code", district},
          {"district", region_name(regions, district)}, {"regency_code", regency},
          {"regency", region_name(regions, regency)}, {"province_code", province},
          {"province", region_name(regions, province)}};
}

object person_json(const Person& p, const RegionDirectory& regions, CivilDate today) {
  auto eligibility = wajib_ktp(p, today);
  CivilDate age_on = p.death_date.value_or(today);
  return {{"nik", p.nik},
          {"kk_number", p.kk_number},
          {"relation", family_relation_id(p.relation)},
          {"name", p.name},
          {"birth_place", p.birth_place},
          {"birth_date", format_civil_date(p.birth_date)},
          {"sex", sex_code(p.sex)},
          {"blood_type", blood_type_id(p.blood_type)},
          {"religion", religion_id(p.religion)},
          {"marital_status", marital_status_id(p.marital_status)},
          {"occupation", p.occupation},
          {"education", education_id(p.education)},
          {"citizenship", citizenship_id(p.citizenship)},
          {"father_name", p.father_name},
          {"mother_name", p.mother_name},
          {"address", address_json(p.address, regions)},
          {"alive", p.alive},
          {"death_date", p.death_date ? format_civil_date(*p.death_date) : std::string()},
          {"enrolled", p.enrolled},
          {"card_printed", p.card_printed},
          {"age", age_in_years(p.birth_date, age_on)},
          {"wajib_ktp", {{"required", eligibility.required}, {"reason", eligibility.reason}}},
          {"version", p.version}};
}

object family_json(const Family& f, const std::vector<Person>& members, const RegionDirectory& regions,
                   CivilDate today) {
  boost::json::array list;
  for (const auto& m : members) list.push_back(person_json(m, regions, today));
  return {{"kk_number", f.kk_number}, {"head_nik", f.head_nik},
          {"address", address_json(f.address, regions)}, {"issued_on", format_civil_date(f.issued_on)},
          {"active", f.active}, {"members", std::move(list)}};
}

object event_json(const registry::StoredEvent& e) {
  boost::system::error_code ec;
  auto documents = boost::json::parse(e.documents_json, ec);
  if (ec) documents = boost::json::array();
  auto payload = boost::json::parse(e.payload_json, ec);
  if (ec) payload = object();
  if (payload.is_object()) payload.as_object().erase("outcome");
  auto recorded = std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(e.recorded_at_ms));
  return {{"id", e.id}, {"type", e.type}, {"occurred_on", e.occurred_on},
          {"recorded_at", fmt::format("{:%FT%TZ}", std::chrono::floor<std::chrono::seconds>(recorded))},
          {"actor", e.actor}, {"role", e.role}, {"documents", documents}, {"payload", payload}};
}

object coverage_json(const registry::CoverageReport& report) {
  auto row_json = [](const registry::CoverageRow& r) {
    boost::json::array anomalies;
    for (const auto& a : r.anomalies) anomalies.push_back(boost::json::string(a));
    return object{{"code", r.code}, {"name", r.name}, {"persons", r.persons}, {"wajib_ktp", r.wajib_ktp},
                  {"sudah_rekam", r.sudah_rekam}, {"belum_rekam", r.belum_rekam},
                  {"persen_rekam", std::round(r.persen_rekam * 10) / 10}, {"sudah_cetak", r.sudah_cetak},
                  {"anomalies", anomalies}};
  };
  boost::json::array districts;
  for (const auto& d : report.districts) districts.push_back(row_json(d));
  return {{"regency", {{"code", report.regency_code}, {"name", report.regency_name}}},
          {"as_of", format_civil_date(report.as_of)}, {"districts", districts},
          {"total", row_json(report.total)}};
}

Result<registry::NewFamilyRequest> parse_new_family_request(const object& body, bool split) {
  EKTP_RETURN_IF_ERROR(
      only_fields(body, {"idempotency_key", "head_nik", "members", "niks", "address", "date", "documents"}));
  registry::NewFamilyRequest r;
  r.split = split;
  EKTP_ASSIGN_OR_RETURN(r.head_nik, required_string(body, "head_nik"));
  EKTP_ASSIGN_OR_RETURN(auto members, optional_array(body, "members", limits::family_members_max));
  for (std::size_t i = 0; i < members->size(); ++i) {
    auto prefix = fmt::format("members[{}]", i);
    EKTP_ASSIGN_OR_RETURN(auto item, as_object((*members)[i], prefix));
    EKTP_ASSIGN_OR_RETURN(auto nik, required_string(*item, "nik", prefix));
    EKTP_ASSIGN_OR_RETURN(auto relation_text, required_string(*item, "relation", prefix));
    auto relation = parse_family_relation(relation_text);
    if (!relation) return invalid_argument(fmt::format("{}.relation: {}", prefix, relation.error().message));
    r.members.push_back({nik, *relation});
  }
  // A split may list plain NIKs; they keep the relation "famili_lain" unless given as members.
  EKTP_ASSIGN_OR_RETURN(auto niks, nik_list(body, "niks"));
  for (const auto& nik : niks) {
    if (nik != r.head_nik) r.members.push_back({nik, FamilyRelation::kFamiliLain});
  }
  EKTP_ASSIGN_OR_RETURN(r.address, parse_address(body.if_contains("address"), "address"));
  EKTP_ASSIGN_OR_RETURN(r.documents, parse_documents(body));
  return r;
}

Result<registry::MarriageRequest> parse_marriage_request(const object& body) {
  return registry::parse_marriage_request(body);
}

Result<registry::DivorceRequest> parse_divorce_request(const object& body) {
  return registry::parse_divorce_request(body);
}

Result<registry::DeathRequest> parse_death_request(const object& body) { return registry::parse_death_request(body); }

Result<registry::MoveRequest> parse_move_request(const object& body) { return registry::parse_move_request(body); }

Result<registry::CorrectionRequest> parse_correction_request(const object& body) {
  EKTP_RETURN_IF_ERROR(only_fields(body, {"idempotency_key", "nik", "fields", "reason"}));
  registry::CorrectionRequest r;
  EKTP_ASSIGN_OR_RETURN(r.nik, required_string(body, "nik"));
  EKTP_ASSIGN_OR_RETURN(r.reason, required_string(body, "reason"));
  const auto* fields_value = body.if_contains("fields");
  if (fields_value == nullptr) return invalid_argument("fields: is required");
  EKTP_ASSIGN_OR_RETURN(auto fields, as_object(*fields_value, "fields"));
  const auto& f = *fields;
  EKTP_RETURN_IF_ERROR(
      only_fields(f, {"name", "birth_place", "occupation", "religion", "education", "blood_type"}, "fields"));
  auto name = optional_string(f, "name", "fields");
  auto place = optional_string(f, "birth_place", "fields");
  auto occupation = optional_string(f, "occupation", "fields");
  for (auto* v : {&name, &place, &occupation}) {
    if (!*v) return std::unexpected(v->error());
  }
  r.name = *name;
  r.birth_place = *place;
  r.occupation = *occupation;
  EKTP_ASSIGN_OR_RETURN(r.religion, optional_enum<Religion>(f, "religion", parse_religion));
  EKTP_ASSIGN_OR_RETURN(r.education, optional_enum<Education>(f, "education", parse_education));
  EKTP_ASSIGN_OR_RETURN(r.blood_type, optional_enum<BloodType>(f, "blood_type", parse_blood_type));
  return r;
}

}  // namespace ektp::api
