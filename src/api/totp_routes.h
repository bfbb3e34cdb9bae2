// Second-factor sign-in routes: a user enrols a TOTP authenticator for their own account (the
// secret shown once, as text and as a QR code) and confirms it with a code; an admin resets a
// user's second factor. The sign-in itself takes the code in POST /auth/login. docs/api.md.
#pragma once

#include "api/api_services.h"
#include "api/http.h"

namespace ektp::api {

void add_totp_routes(Router& router, ApiServices& services);

}  // namespace ektp::api
