// Residents see who looked (docs/api.md, "Residents: who looked at my data"): an officer issues a
// resident a PIN at the office; the resident signs in on the public page with NIK, birth date and
// PIN (throttled per address and per NIK, the PIN locked after five wrong attempts), and with the
// token (`Authorization: Resident <token>`, 15 minutes) sees every read of their data, the agency
// agreements that cover them, and reports a read they do not recognise; an admin lists and
// resolves the reports. The rules live in src/resident; this file is their HTTP face.
#pragma once

#include <chrono>

#include "api/api_services.h"
#include "api/public_status_throttle.h"

namespace ektp::api {

class Router;

struct ResidentRouteOptions {
  // Per address and per NIK, with the doubling lockout of the public status page; the per-NIK
  // free misses are the PIN's (resident_limits::pin_failures_max).
  PublicStatusThrottleOptions throttle = {};
  std::chrono::milliseconds hash_wait{2'000};  // how long a sign-in queues for PIN hashing
};

void add_resident_routes(Router& router, ApiServices& services, ResidentRouteOptions options = {});

}  // namespace ektp::api
