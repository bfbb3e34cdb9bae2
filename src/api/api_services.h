// What the HTTP handlers work with: the services of the layers below, shared by all threads.
#pragma once

#include <chrono>
#include <functional>

#include "core/region.h"
#include "registry/audit_log.h"
#include "registry/auth_service.h"
#include "registry/civil_registry.h"
#include "store/database.h"

namespace ektp::api {

struct ApiServices {
  store::Database& db;
  const RegionDirectory& regions;
  registry::CivilRegistry& registry;
  registry::AuthService& auth;
  registry::AuditWriter& audit;
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};

// Registers every /api/v1 route of docs/api.md.
void add_registry_routes(class Router& router, ApiServices& services);

}  // namespace ektp::api
