// User administration (admins only): activate and deactivate accounts, change roles, reset
// passwords, list and revoke sessions; and a user's change of their own password. docs/api.md.
#pragma once

#include "api/api_services.h"
#include "api/http.h"

namespace ektp::api {

void add_user_routes(Router& router, ApiServices& services);

}  // namespace ektp::api
