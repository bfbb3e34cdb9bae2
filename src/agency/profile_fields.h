// The resident profile an agency agreement (PKS) may cover: 27 fields of a Person, their family
// card and address, each with a stable id ("birth_date"), plus the separate grant "family" (the
// members of the resident's family card, for retrieve only). The list lives in one table in
// profile_fields.cpp; everything else asks it. Pure functions over plain values: thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/person.h"

namespace ektp::agency {

inline constexpr std::size_t kProfileFieldCount = 27;

// The grant of the family-card members (who they are: NIK, name, relation), apart from the
// 27 fields of the resident themself.
inline constexpr std::string_view kFamilyGrant = "family";

struct ProfileField {
  std::string_view id;       // "birth_date"
  std::string_view meaning;  // "date of birth (YYYY-MM-DD)", for the public agreement page
};

// The 27 fields, in a fixed order (identity, civil data, parents, address, life and card).
std::span<const ProfileField> profile_fields();

// One of the 27 ids ("family" is not: see is_grant).
bool is_profile_field(std::string_view id);
// A field or the family grant: what an agreement's retrieve_fields may hold.
bool is_grant(std::string_view id);

// The resident's value of `field` as text, as retrieve hands it out: enumerations as their
// stored ids ("belum_kawin"), dates as YYYY-MM-DD, booleans as "true"/"false", the names of the
// village, district, regency and province from the built-in region directory, "" for a death
// date of the living. kInvalidArgument for an id that is not a profile field ("family" included:
// the members are not a text value of the resident).
Result<std::string> profile_field_value(const Person& person, std::string_view field);

}  // namespace ektp::agency
