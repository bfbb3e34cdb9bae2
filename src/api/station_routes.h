// The station's own routes (docs/api.md, "Station"): enrollment and birth registration at the
// desk, fingerprint and photo checks while capturing, and what waits to be sent. The registry's read routes are served
// too, from the station's working copy.
#pragma once

#include <functional>

#include <boost/json/object.hpp>

#include "api/api_services.h"
#include "api/station_sync_loop.h"
#include "registry/enrollment_store.h"
#include "sync/station_identity.h"

namespace ektp::api {

struct PhotoVerdict {
  bool ok = true;
  boost::json::object report;  // each rule with its result, for the operator
};

struct StationServices {
  ApiServices& api;
  sync::StationIdentity identity;
  StationSyncLoop* loop = nullptr;
  // Photo quality (OpenCV); kInvalidArgument for bytes that are not an image.
  std::function<Result<PhotoVerdict>(const std::vector<std::uint8_t>&)> check_photo;
  // Earlier enrollments made here that match this one's fingers (a person enrolling twice).
  std::function<Result<std::vector<std::string>>(store::Connection&, const registry::Enrollment&)> local_duplicates;
};

// Add these before add_registry_routes: the station answers POST /api/v1/events/birth itself.
void add_station_routes(class Router& router, StationServices& services);

}  // namespace ektp::api
