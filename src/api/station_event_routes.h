// Civil events recorded at a station's desk that must reach central: deaths, marriages and
// divorces go into the outbox with the working-copy change (docs/api.md, "Station"); the events
// a station cannot send yet (new family cards, moves within the district, corrections) are
// refused with 409 instead of being kept in the working copy alone.
// Thread-safety: the handlers are called concurrently; they share only the services.
#pragma once

#include "api/station_routes.h"

namespace ektp::api {

// Add these before add_registry_routes: the first route added for a path answers it.
void add_station_event_routes(class Router& router, StationServices& services);

}  // namespace ektp::api
