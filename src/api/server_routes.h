// The whole route table of each server, in one place, so that `ektp serve`, `ektp station` and
// the test that checks the routes against docs/openapi.json build the same one. The routes keep
// references to the services: they must outlive the router.
#pragma once

#include "api/api_services.h"
#include "api/station_routes.h"

namespace ektp::api {

// Central (`ektp serve`): the registry, stations and sync, cards, the card desk, SUKETs, the
// chip, agencies, residents' own page (who looked) and adjudication.
void add_central_server_routes(class Router& router, ApiServices& services);

// A station (`ektp station`): its own routes first (births, deaths, marriages and divorces take
// the station's route; the events recorded only centrally are refused), then the registry's,
// served from the working copy.
void add_station_server_routes(class Router& router, StationServices& services);

}  // namespace ektp::api
