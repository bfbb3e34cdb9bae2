// Central's side of a signed station request (sync/sync_protocol.h): who sent it, checked by its
// signature over method, target, counter and body; and central's signature on the answer.
#pragma once

#include "api/api_services.h"
#include "api/http.h"
#include "sync/station_directory.h"

namespace ektp::api {

// kUnauthenticated for a missing, forged or replayed request; kPermissionDenied for a revoked
// or not yet provisioned station.
Result<sync::StationRecord> authenticate_station(ApiServices& s, const HttpRequest& request);

// Adds central's signature for this very request (its counter) over the answer's body.
Result<HttpResponse> signed_answer(ApiServices& s, const HttpRequest& request, const sync::StationRecord& station,
                                   HttpResponse response);

}  // namespace ektp::api
