// Stations' own operator credentials (sync/operator_enrolment.h), over HTTP (docs/api.md,
// "Station operators"). Central: an admin or the district's supervisor gets a one-time
// activation code; the station redeems it and fetches its roster, both signed. Station: the
// operator activates their account with the code and a password of their own.
#pragma once

#include "api/api_services.h"
#include "api/station_routes.h"

namespace ektp::api {

void add_operator_activation_routes(class Router& router, ApiServices& services);         // central
void add_station_activation_routes(class Router& router, StationServices& services);      // station

}  // namespace ektp::api
