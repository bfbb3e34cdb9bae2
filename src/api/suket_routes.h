// SUKETs over HTTP (card/suket_issue.h; docs/api.md, "SUKET"): the card desk issues one for a
// resident whose card is pending, lists theirs, prints it (PDF, or PNG to show); and the public,
// unauthenticated routes a verifier needs offline — the root key to pin, the signed trust list of
// issuer keys and the signed list of superseded SUKETs.
#pragma once

#include "api/api_services.h"

namespace ektp::api {

void add_suket_routes(class Router& router, ApiServices& services);

}  // namespace ektp::api
