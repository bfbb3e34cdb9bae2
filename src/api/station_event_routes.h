// Civil events recorded at a station's desk that must reach central: deaths, marriages and
// divorces go into the outbox with the working-copy change (docs/api.md, "Station").
// Thread-safety: the handlers are called concurrently; they share only the services.
#pragma once

#include "api/station_routes.h"

namespace ektp::api {

// Add these before add_registry_routes: the first route added for a path answers it.
void add_station_event_routes(class Router& router, StationServices& services);

}  // namespace ektp::api
