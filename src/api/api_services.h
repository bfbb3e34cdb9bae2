// What the HTTP handlers work with: the services of the layers below, shared by all threads.
#pragma once

#include <chrono>
#include <functional>

#include "core/region.h"
#include "registry/audit_log.h"
#include "registry/auth_service.h"
#include "registry/civil_registry.h"
#include "store/database.h"

namespace ektp::sync {
class SyncIngest;
}

namespace ektp::api {

struct ApiServices {
  store::Database& db;
  const RegionDirectory& regions;
  registry::CivilRegistry& registry;
  registry::AuthService& auth;
  registry::AuditWriter& audit;
  sync::SyncIngest* sync_ingest = nullptr;  // central: set when stations may upload
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};

// Registers every /api/v1 route of docs/api.md.
void add_registry_routes(class Router& router, ApiServices& services);
// Central's station routes: register/list/revoke stations, provisioning, and the signed sync
// routes (upload, working-copy changes, lease renewal); the resident's enrollment status.
void add_sync_routes(class Router& router, ApiServices& services);

}  // namespace ektp::api
