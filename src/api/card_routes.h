// Card production over HTTP (card/blanko_stock.h, card/print_queue.h; docs/api.md, "Cards"):
// each office's blanko stock and its movements, the print queue, printing the next card, a
// spoiled print, an urgent mark, and replacement requests. Supervisors and admins; a supervisor
// only for offices within their office's region (refusals audited `card.refused`).
#pragma once

#include "api/api_services.h"

namespace ektp::api {

void add_card_routes(class Router& router, ApiServices& services);

}  // namespace ektp::api
