// User administration (admins only): create and list accounts, record the person behind one,
// a second admin's approval of adjudicator and admin accounts, activate and deactivate accounts,
// change roles, reset passwords, list and revoke sessions; and a user's change of their own
// password. docs/api.md.
#pragma once

#include "api/api_services.h"
#include "api/http.h"

namespace ektp::api {

void add_user_routes(Router& router, ApiServices& services);

}  // namespace ektp::api
