#include "sync/station_bounds.h"

#include <algorithm>

#include <fmt/format.h>

namespace ektp::sync {

Status check_station_operator(const StationRecord& station, std::string_view operator_name) {
  if (std::find(station.operators.begin(), station.operators.end(), operator_name) != station.operators.end()) {
    return {};
  }
  return make_error(ErrorCode::kPermissionDenied,
                    fmt::format("{}: '{}' is not an operator of station {}", kUnknownStationOperator,
                                operator_name.substr(0, 64), station.station_id));
}

Status check_in_station_district(store::Connection& c, const StationRecord& station, std::string_view nik) {
  auto rows = c.execute("SELECT district_code FROM persons WHERE nik = $1", {std::string(nik)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return {};
  const std::string district = rows->rows[0].text(0);
  if (district == station.district_code) return {};
  return make_error(ErrorCode::kPermissionDenied,
                    fmt::format("{}: NIK {} lives outside district {} of station {}", kOutsideStationDistrict, nik,
                                station.district_code, station.station_id));
}

}  // namespace ektp::sync
