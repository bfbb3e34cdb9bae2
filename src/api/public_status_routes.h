// The resident's own enrollment status, without an account (docs/api.md "Enrollment status").
#pragma once

#include "api/api_services.h"
#include "api/public_status_throttle.h"

namespace ektp::api {

class Router;

// POST /api/v1/public/enrollment-status {nik, receipt_number}: the status and the dates of its
// steps, nothing else; throttled, audited (misses too) and watched for walks over NIKs.
void add_public_status_routes(Router& router, ApiServices& services, PublicStatusThrottleOptions options = {});

}  // namespace ektp::api
