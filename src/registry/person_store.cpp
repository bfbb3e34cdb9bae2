#include "registry/person_store.h"

#include <fmt/format.h>

namespace ektp::registry {

namespace {

using store::Value;

std::string select_person_sql(std::string_view where) {
  std::string columns;
  for (const auto& c : person_columns()) columns += (columns.empty() ? "" : ", ") + c;
  return fmt::format("SELECT {}, version FROM persons {}", columns, where);
}

Result<Person> person_from_row(const store::Row& row) {
  Person p;
  std::size_t i = 0;
  p.nik = row.text(i++);
  p.kk_number = row.text(i++);
  auto relation = parse_family_relation(row.text(i++));
  p.name = row.text(i++);
  i++;  // name_key
  p.birth_place = row.text(i++);
  auto birth = parse_civil_date(row.text(i++));
  auto sex = parse_sex(row.text(i++));
  auto blood = parse_blood_type(row.text(i++));
  auto religion = parse_religion(row.text(i++));
  auto marital = parse_marital_status(row.text(i++));
  p.occupation = row.text(i++);
  auto education = parse_education(row.text(i++));
  auto citizenship = parse_citizenship(row.text(i++));
  p.father_name = row.text(i++);
  p.mother_name = row.text(i++);
  p.address.street = row.text(i++);
  p.address.rt = row.text(i++);
  p.address.rw = row.text(i++);
  p.address.village_code = row.text(i++);
  i++;  // district_code
  p.alive = row.integer(i++) != 0;
  auto death = row.text(i++);
  p.enrolled = row.integer(i++) != 0;
  p.card_printed = row.integer(i++) != 0;
  i++;  // updated_at_ms
  p.version = row.integer(i++);
  if (!relation || !birth || !sex || !blood || !religion || !marital || !education || !citizenship) {
    return make_error(ErrorCode::kDataLoss, fmt::format("stored person {} has a corrupt field", p.nik));
  }
  p.relation = *relation;
  p.birth_date = *birth;
  p.sex = *sex;
  p.blood_type = *blood;
  p.religion = *religion;
  p.marital_status = *marital;
  p.education = *education;
  p.citizenship = *citizenship;
  if (!death.empty()) {
    auto date = parse_civil_date(death);
    if (!date) return make_error(ErrorCode::kDataLoss, fmt::format("person {}: bad death date", p.nik));
    p.death_date = *date;
  }
  return p;
}

Result<Family> family_from_row(const store::Row& row) {
  Family f;
  f.kk_number = row.text(0);
  f.head_nik = row.text(1);
  f.address.village_code = row.text(2);
  f.address.street = row.text(4);
  f.address.rt = row.text(5);
  f.address.rw = row.text(6);
  auto issued = parse_civil_date(row.text(7));
  if (!issued) return make_error(ErrorCode::kDataLoss, fmt::format("family {}: bad issue date", f.kk_number));
  f.issued_on = *issued;
  f.active = row.integer(8) != 0;
  f.version = row.integer(10);
  return f;
}

}  // namespace

const std::vector<std::string>& person_columns() {
  static const std::vector<std::string> columns = {
      "nik", "kk_number", "relation", "name", "name_key", "birth_place", "birth_date", "sex",
      "blood_type", "religion", "marital_status", "occupation", "education", "citizenship",
      "father_name", "mother_name", "street", "rt", "rw", "village_code", "district_code",
      "alive", "death_date", "enrolled", "card_printed", "updated_at_ms"};
  return columns;
}

std::vector<Value> person_to_values(const Person& p, std::int64_t updated_at_ms) {
  return {p.nik,
          p.kk_number,
          std::string(family_relation_id(p.relation)),
          p.name,
          name_key(p.name),
          p.birth_place,
          format_civil_date(p.birth_date),
          std::string(sex_code(p.sex)),
          std::string(blood_type_id(p.blood_type)),
          std::string(religion_id(p.religion)),
          std::string(marital_status_id(p.marital_status)),
          p.occupation,
          std::string(education_id(p.education)),
          std::string(citizenship_id(p.citizenship)),
          p.father_name,
          p.mother_name,
          p.address.street,
          p.address.rt,
          p.address.rw,
          p.address.village_code,
          p.address.village_code.substr(0, 6),
          std::int64_t{p.alive ? 1 : 0},
          p.death_date ? format_civil_date(*p.death_date) : std::string(),
          std::int64_t{p.enrolled ? 1 : 0},
          std::int64_t{p.card_printed ? 1 : 0},
          updated_at_ms};
}

const std::vector<std::string>& family_columns() {
  static const std::vector<std::string> columns = {
      "kk_number", "head_nik", "village_code", "district_code", "street", "rt", "rw",
      "issued_on", "active", "updated_at_ms"};
  return columns;
}

std::vector<Value> family_to_values(const Family& f, std::int64_t updated_at_ms) {
  return {f.kk_number, f.head_nik, f.address.village_code, f.address.village_code.substr(0, 6),
          f.address.street, f.address.rt, f.address.rw, format_civil_date(f.issued_on),
          std::int64_t{f.active ? 1 : 0}, updated_at_ms};
}

Result<Person> load_person(store::Connection& db, std::string_view nik, bool for_update) {
  auto result = db.execute(select_person_sql(for_update ? "WHERE nik = $1 FOR UPDATE" : "WHERE nik = $1"),
                           {std::string(nik)});
  if (!result) return std::unexpected(result.error());
  if (result->rows.empty()) return not_found(fmt::format("no person with NIK {}", nik));
  return person_from_row(result->rows.front());
}

Result<Family> load_family(store::Connection& db, std::string_view kk_number, bool for_update) {
  std::string sql = "SELECT kk_number, head_nik, village_code, district_code, street, rt, rw, "
                    "issued_on, active, updated_at_ms, version FROM families WHERE kk_number = $1";
  if (for_update) sql += " FOR UPDATE";
  auto result = db.execute(sql, {std::string(kk_number)});
  if (!result) return std::unexpected(result.error());
  if (result->rows.empty()) return not_found(fmt::format("no family card {}", kk_number));
  return family_from_row(result->rows.front());
}

Result<std::vector<Person>> family_members(store::Connection& db, std::string_view kk_number) {
  auto result = db.execute(select_person_sql("WHERE kk_number = $1 ORDER BY birth_date, nik"),
                           {std::string(kk_number)});
  if (!result) return std::unexpected(result.error());
  std::vector<Person> members;
  for (const auto& row : result->rows) {
    auto person = person_from_row(row);
    if (!person) return std::unexpected(person.error());
    members.push_back(std::move(*person));
  }
  return members;
}

Status insert_person(store::Connection& db, const Person& person, std::int64_t now_ms) {
  return db.insert_rows("persons", person_columns(), {person_to_values(person, now_ms)});
}

Status insert_family(store::Connection& db, const Family& family, std::int64_t now_ms) {
  return db.insert_rows("families", family_columns(), {family_to_values(family, now_ms)});
}

namespace {

// UPDATE table SET columns[1..] = values[1..], version = version + 1 WHERE columns[0] = values[0]
// AND version = expected: a lost race (someone changed the row since it was read) is kAborted.
Status update_versioned_row(store::Connection& db, std::string_view table,
                            const std::vector<std::string>& columns, std::vector<Value> values,
                            std::int64_t expected_version, std::string_view what) {
  std::string assignments;
  for (std::size_t i = 1; i < columns.size(); ++i) {
    assignments += fmt::format("{}{} = ${}", assignments.empty() ? "" : ", ", columns[i], i + 1);
  }
  values.emplace_back(std::in_place_type<std::int64_t>, expected_version);
  auto result = db.execute(
      fmt::format("UPDATE {} SET {}, version = version + 1 WHERE {} = $1 AND version = ${}", table,
                  assignments, columns[0], values.size()),
      values);
  if (!result) return std::unexpected(result.error());
  if (result->rows_affected != 1) {
    return make_error(ErrorCode::kAborted, fmt::format("{} was changed by someone else; retry", what));
  }
  return {};
}

}  // namespace

Status update_person(store::Connection& db, Person& person, std::int64_t now_ms) {
  auto s = update_versioned_row(db, "persons", person_columns(), person_to_values(person, now_ms),
                                person.version, fmt::format("person {}", person.nik));
  if (s) person.version += 1;
  return s;
}

Status update_family(store::Connection& db, Family& family, std::int64_t now_ms) {
  auto s = update_versioned_row(db, "families", family_columns(), family_to_values(family, now_ms),
                                family.version, fmt::format("family {}", family.kk_number));
  if (s) family.version += 1;
  return s;
}

Result<std::vector<Person>> search_persons(store::Connection& db, std::string_view name,
                                           std::optional<CivilDate> birth_date, std::size_t limit,
                                           std::string_view village_prefix) {
  auto key = name_key(name);
  if (key.size() < 2) return invalid_argument("name: give at least 2 letters to search");
  for (char c : village_prefix) {
    if (c < '0' || c > '9') return invalid_argument("village prefix: digits only");
  }
  // substr rather than LIKE: the same answer on both back ends, and no wildcard to escape.
  const std::string in_region = "substr(village_code, 1, CAST($4 AS INTEGER)) = $5";
  const std::vector<store::Value> region{static_cast<std::int64_t>(village_prefix.size()), std::string(village_prefix)};
  Result<store::QueryResult> result;
  if (birth_date) {
    std::vector<store::Value> params{key, format_civil_date(*birth_date), static_cast<std::int64_t>(limit)};
    params.insert(params.end(), region.begin(), region.end());
    result = db.execute(
        select_person_sql("WHERE name_key = $1 AND birth_date = $2 AND " + in_region + " ORDER BY nik LIMIT $3"),
        params);
  } else {
    // Prefix range on the index: [key, key + U+FFFF).
    std::vector<store::Value> params{key, key + "\xef\xbf\xbf", static_cast<std::int64_t>(limit)};
    params.insert(params.end(), region.begin(), region.end());
    result = db.execute(select_person_sql("WHERE name_key >= $1 AND name_key < $2 AND " + in_region +
                                          " ORDER BY name_key, nik LIMIT $3"),
                        params);
  }
  if (!result) return std::unexpected(result.error());
  std::vector<Person> persons;
  for (const auto& row : result->rows) {
    auto person = person_from_row(row);
    if (!person) return std::unexpected(person.error());
    persons.push_back(std::move(*person));
  }
  return persons;
}

}  // namespace ektp::registry
