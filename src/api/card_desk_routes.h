// The card desk over HTTP (card/card_pickup.h; docs/api.md, "Cards"): handing a printed card over
// after a 1:1 check of its holder, and the office's list of cards left uncollected for 30 days.
// Operators, supervisors and admins hand cards over to residents of their office's region;
// only supervisors and admins do the assisted check or go on after four failed tries.
#pragma once

#include "api/api_services.h"

namespace ektp::api {

void add_card_desk_routes(class Router& router, ApiServices& services);

}  // namespace ektp::api
