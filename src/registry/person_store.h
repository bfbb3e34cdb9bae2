// Reading and writing the current state of persons and families (the projection of their events)
// through one store::Connection, inside the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/family.h"
#include "core/person.h"
#include "store/database.h"

namespace ektp::registry {

// The persons columns in the order person_to_values() produces them.
const std::vector<std::string>& person_columns();
std::vector<store::Value> person_to_values(const Person& person, std::int64_t updated_at_ms);
const std::vector<std::string>& family_columns();
std::vector<store::Value> family_to_values(const Family& family, std::int64_t updated_at_ms);

// kNotFound when absent. `for_update` locks the row until the transaction ends (PostgreSQL).
Result<Person> load_person(store::Connection& db, std::string_view nik, bool for_update = false);
Result<Family> load_family(store::Connection& db, std::string_view kk_number, bool for_update = false);
Result<std::vector<Person>> family_members(store::Connection& db, std::string_view kk_number);

Status insert_person(store::Connection& db, const Person& person, std::int64_t now_ms);
Status insert_family(store::Connection& db, const Family& family, std::int64_t now_ms);
// Writes `person` if the stored version is still person.version, and bumps the version; a lost
// race gives kAborted (the transaction is retried).
Status update_person(store::Connection& db, Person& person, std::int64_t now_ms);
Status update_family(store::Connection& db, Family& family, std::int64_t now_ms);

// Name search: exact name key (+ birth date when given), or a prefix of the name key; only
// residents whose village code starts with `village_prefix` (digits; "" for everyone).
Result<std::vector<Person>> search_persons(store::Connection& db, std::string_view name,
                                           std::optional<CivilDate> birth_date, std::size_t limit,
                                           std::string_view village_prefix = "");

}  // namespace ektp::registry
