// What central checks on every station item before applying it: the operator named in the item
// is one of the operators provisioned for that station, and the persons it touches live in the
// station's district (their current domicile in the register: a person who moved keeps their
// NIK, so the NIK's region prefix is not where they live). A refusal is kPermissionDenied with
// a message starting with its stable rule code, which the rejected receipt carries.
#pragma once

#include <string_view>

#include "core/error.h"
#include "store/database.h"
#include "sync/station_directory.h"

namespace ektp::sync {

inline constexpr std::string_view kUnknownStationOperator = "unknown_station_operator";
inline constexpr std::string_view kOutsideStationDistrict = "outside_station_district";

Status check_station_operator(const StationRecord& station, std::string_view operator_name);

// A NIK unknown to the register passes here (the item's own handler refuses it as not found).
Status check_in_station_district(store::Connection& c, const StationRecord& station, std::string_view nik);

}  // namespace ektp::sync
