#include "api/server_routes.h"

#include "api/agency_routes.h"
#include "api/bulk_match_routes.h"
#include "api/card_desk_routes.h"
#include "api/card_routes.h"
#include "api/chip_routes.h"
#include "api/http.h"
#include "api/operator_activation_routes.h"
#include "api/resident_routes.h"
#include "api/station_event_routes.h"
#include "api/suket_routes.h"

namespace ektp::api {

void add_central_server_routes(Router& router, ApiServices& services) {
  add_registry_routes(router, services);
  add_sync_routes(router, services);
  add_operator_activation_routes(router, services);
  add_card_routes(router, services);
  add_card_desk_routes(router, services);
  add_suket_routes(router, services);
  add_chip_routes(router, services);
  add_agency_routes(router, services);
  add_agency_marriage_routes(router, services);
  add_agency_admin_routes(router, services);
  add_resident_routes(router, services);
  add_agency_subscription_routes(router, services);
  add_bulk_match_routes(router, services);
  add_adjudication_routes(router, services);
}

void add_station_server_routes(Router& router, StationServices& services) {
  add_station_routes(router, services);        // first: births take the station's route
  add_station_event_routes(router, services);  // and deaths, marriages, divorces
  add_station_activation_routes(router, services);
  add_registry_routes(router, services.api);
}

}  // namespace ektp::api
