// Agency access over HTTP (docs/api.md, "Agencies"): an admin registers agencies, their
// agreements (PKS) and API keys; agencies call with `Authorization: ApiKey <key>` and every call
// is checked against the agreement in force at that moment — the operation, the purpose, each
// field, the resident's region, the daily quota (429 with the reset time) — and recorded in the
// audit log (agency, purpose, the fields touched, the outcome) before it is answered. The list of
// agencies with access, their purposes and fields, is public. Routes live in src/api; the rules
// in src/agency.
#pragma once

#include "api/api_services.h"

namespace ektp::api {

// The agencies' own calls (verify, retrieve).
void add_agency_routes(class Router& router, ApiServices& services);
// A marriage office's (KUA) record of a marriage (agency_marriage_routes.cpp).
void add_agency_marriage_routes(class Router& router, ApiServices& services);
// The admin's: agencies, agreements, keys; and the public list of agencies (agency_admin_routes.cpp).
void add_agency_admin_routes(class Router& router, ApiServices& services);
// Event subscriptions (agency_subscription_routes.cpp): the agency's subscriptions and
// deliveries (the dead-letter list and its replay), the admin's view of an agency's deliveries,
// and the public key webhooks are signed with.
void add_agency_subscription_routes(class Router& router, ApiServices& services);

}  // namespace ektp::api
