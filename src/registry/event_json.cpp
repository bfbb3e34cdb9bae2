#include "registry/event_json.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/limits.h"
#include "registry/json_fields.h"

namespace ektp::registry {

namespace {

using boost::json::object;
using namespace ektp::json;

}  // namespace

Result<std::vector<Document>> parse_documents(const object& body) {
  auto list = optional_array(body, "documents", 10);
  if (!list) return std::unexpected(list.error());
  std::vector<Document> documents;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    auto prefix = fmt::format("documents[{}]", i);
    auto item = as_object((**list)[i], prefix);
    if (!item) return std::unexpected(item.error());
    if (auto s = only_fields(**item, {"type", "number"}, prefix); !s) return std::unexpected(s.error());
    auto type = required_string(**item, "type", prefix);
    if (!type) return std::unexpected(type.error());
    auto number = required_string(**item, "number", prefix);
    if (!number) return std::unexpected(number.error());
    documents.push_back({*type, *number});
  }
  return documents;
}

boost::json::array documents_json(const std::vector<Document>& documents) {
  boost::json::array out;
  for (const auto& d : documents) out.push_back(object{{"type", d.type}, {"number", d.number}});
  return out;
}

Result<BirthRequest> parse_birth_request(const object& body) {
  if (auto s = only_fields(body, {"idempotency_key", "name", "birth_place", "birth_date", "sex", "mother_nik",
                                  "father_nik", "religion", "blood_type", "documents"});
      !s) {
    return std::unexpected(s.error());
  }
  BirthRequest r;
  auto name = required_string(body, "name");
  if (!name) return std::unexpected(name.error());
  auto place = required_string(body, "birth_place");
  if (!place) return std::unexpected(place.error());
  auto date = required_date(body, "birth_date");
  if (!date) return std::unexpected(date.error());
  auto sex_text = required_string(body, "sex");
  if (!sex_text) return std::unexpected(sex_text.error());
  auto sex = parse_sex(*sex_text);
  if (!sex) return std::unexpected(sex.error());
  auto mother = required_string(body, "mother_nik");
  if (!mother) return std::unexpected(mother.error());
  auto father = optional_string(body, "father_nik");
  if (!father) return std::unexpected(father.error());
  auto religion = optional_enum<Religion>(body, "religion", parse_religion);
  if (!religion) return std::unexpected(religion.error());
  auto blood = optional_enum<BloodType>(body, "blood_type", parse_blood_type);
  if (!blood) return std::unexpected(blood.error());
  auto documents = parse_documents(body);
  if (!documents) return std::unexpected(documents.error());
  r.name = *name;
  r.birth_place = *place;
  r.birth_date = *date;
  r.sex = *sex;
  r.mother_nik = *mother;
  if (*father && !(*father)->empty()) r.father_nik = **father;
  r.religion = *religion;
  r.blood_type = blood->value_or(BloodType::kUnknown);
  r.documents = std::move(*documents);
  return r;
}

object birth_request_json(const BirthRequest& r) {
  object o{{"name", r.name},
           {"birth_place", r.birth_place},
           {"birth_date", format_civil_date(r.birth_date)},
           {"sex", std::string(sex_code(r.sex))},
           {"mother_nik", r.mother_nik},
           {"blood_type", std::string(blood_type_id(r.blood_type))},
           {"documents", documents_json(r.documents)}};
  if (r.father_nik) o["father_nik"] = *r.father_nik;
  if (r.religion) o["religion"] = std::string(religion_id(*r.religion));
  return o;
}

Result<AddressInput> parse_address_input(const boost::json::value* value, std::string_view field) {
  if (value == nullptr) return invalid_argument(fmt::format("{}: is required", field));
  auto o = as_object(*value, field);
  if (!o) return std::unexpected(o.error());
  if (auto s = only_fields(**o, {"street", "rt", "rw", "village_code"}, field); !s) return std::unexpected(s.error());
  auto street = required_string(**o, "street", field);
  auto rt = required_string(**o, "rt", field);
  auto rw = required_string(**o, "rw", field);
  auto village = required_string(**o, "village_code", field);
  for (auto* r : {&street, &rt, &rw, &village}) {
    if (!*r) return std::unexpected(r->error());
  }
  return AddressInput{*street, *rt, *rw, *village};
}

object address_input_json(const AddressInput& a) {
  return {{"street", a.street}, {"rt", a.rt}, {"rw", a.rw}, {"village_code", a.village_code}};
}

Result<MoveRequest> parse_move_request(const object& body) {
  if (auto s = only_fields(body, {"idempotency_key", "niks", "date", "to", "documents"}); !s) {
    return std::unexpected(s.error());
  }
  auto niks = nik_list(body, "niks");
  if (!niks) return std::unexpected(niks.error());
  auto date = required_date(body, "date");
  if (!date) return std::unexpected(date.error());
  auto to = parse_address_input(body.if_contains("to"), "to");
  if (!to) return std::unexpected(to.error());
  auto documents = parse_documents(body);
  if (!documents) return std::unexpected(documents.error());
  MoveRequest r;
  r.niks = std::move(*niks);
  r.date = *date;
  r.to = std::move(*to);
  r.documents = std::move(*documents);
  return r;
}

object move_request_json(const MoveRequest& r) {
  boost::json::array niks;
  for (const auto& nik : r.niks) niks.push_back(boost::json::string(nik));
  return {{"niks", std::move(niks)},
          {"date", format_civil_date(r.date)},
          {"to", address_input_json(r.to)},
          {"documents", documents_json(r.documents)}};
}

Result<MarriageRequest> parse_marriage_request(const object& body) {
  EKTP_RETURN_IF_ERROR(only_fields(body, {"idempotency_key", "husband_nik", "wife_nik", "date", "documents", "new_family"}));
  MarriageRequest r;
  EKTP_ASSIGN_OR_RETURN(r.husband_nik, required_string(body, "husband_nik"));
  EKTP_ASSIGN_OR_RETURN(r.wife_nik, required_string(body, "wife_nik"));
  EKTP_ASSIGN_OR_RETURN(r.date, required_date(body, "date"));
  EKTP_ASSIGN_OR_RETURN(r.documents, parse_documents(body));
  if (const auto* nf = body.if_contains("new_family"); nf && !nf->is_null()) {
    EKTP_ASSIGN_OR_RETURN(const auto* o, as_object(*nf, "new_family"));
    EKTP_ASSIGN_OR_RETURN(r.new_family, parse_address_input(o->if_contains("address"), "new_family.address"));
  }
  return r;
}

Result<DivorceRequest> parse_divorce_request(const object& body) {
  EKTP_ASSIGN_OR_RETURN(auto marriage, parse_marriage_request(body));
  if (marriage.new_family) return invalid_argument("new_family: unknown field");
  return DivorceRequest{marriage.husband_nik, marriage.wife_nik, marriage.date, std::move(marriage.documents)};
}

Result<DeathRequest> parse_death_request(const object& body) {
  EKTP_RETURN_IF_ERROR(only_fields(body, {"idempotency_key", "nik", "date", "place", "documents"}));
  DeathRequest r;
  EKTP_ASSIGN_OR_RETURN(r.nik, required_string(body, "nik"));
  EKTP_ASSIGN_OR_RETURN(r.date, required_date(body, "date"));
  EKTP_ASSIGN_OR_RETURN(r.place, required_string(body, "place"));
  EKTP_ASSIGN_OR_RETURN(r.documents, parse_documents(body));
  return r;
}

object marriage_request_json(const MarriageRequest& r) {
  object o{{"husband_nik", r.husband_nik},
           {"wife_nik", r.wife_nik},
           {"date", format_civil_date(r.date)},
           {"documents", documents_json(r.documents)}};
  if (r.new_family) o["new_family"] = object{{"address", address_input_json(*r.new_family)}};
  return o;
}

object divorce_request_json(const DivorceRequest& r) {
  return {{"husband_nik", r.husband_nik},
          {"wife_nik", r.wife_nik},
          {"date", format_civil_date(r.date)},
          {"documents", documents_json(r.documents)}};
}

object death_request_json(const DeathRequest& r) {
  return {{"nik", r.nik}, {"date", format_civil_date(r.date)}, {"place", r.place}, {"documents", documents_json(r.documents)}};
}

}  // namespace ektp::registry
