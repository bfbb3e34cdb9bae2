// What the HTTP handlers work with: the services of the layers below, shared by all threads.
#pragma once

#include <chrono>
#include <functional>

#include "core/region.h"
#include "access/audit_anchor.h"
#include "access/audit_log.h"
#include "access/auth_service.h"
#include "access/read_quota.h"
#include "card/chip_production.h"
#include "registry/civil_registry.h"
#include "store/database.h"

namespace ektp::sync {
class SyncIngest;
}
namespace ektp::abis {
class DedupService;
}
namespace ektp::card {
class SuketKeys;
}
namespace ektp::agency {
class AgencyCallLedger;
class WebhookSigningKey;
}

namespace ektp::bulk {
class BulkJobFiles;
class BulkJobWorker;
}

namespace ektp::api {

struct ApiServices {
  store::Database& db;
  const RegionDirectory& regions;
  registry::CivilRegistry& registry;
  access::AuthService& auth;
  access::AuditWriter& audit;
  sync::SyncIngest* sync_ingest = nullptr;  // central: set when stations may upload
  abis::DedupService* dedup = nullptr;      // central: decisions update its gallery
  const access::AuditAnchor* audit_anchor = nullptr;  // where the chain's signed checkpoints live
  std::string tls_pin;  // SHA-256 of this server's TLS key (empty: plain HTTP), for provisioning codes
  access::ReadQuota* read_quota = nullptr;  // daily read quotas and bulk-read alerts; none when null
  // Operators and supervisors see only their office's region (access/office_scope.h). A station
  // turns this off: its working copy holds its own district and nothing else.
  bool office_scoped = true;
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  card::SuketKeys* suket_keys = nullptr;  // central: the keys that sign SUKETs; none = none issued
  std::string public_url = {};            // where residents reach this server ("https://…"), for printed links
  // The print step's chip (card/chip_production.h): when set, print-next also personalises the
  // blank chip in the printer's reader and answers its serial; a chip that fails spoils its blanko.
  std::function<Result<card::PersonalisedChip>(const card::StockChange&)> print_with_chip = {};
  // Agencies' event subscriptions: the key their webhooks are signed with, whose public half
  // GET /agency/webhook-key publishes (none: 503), and whether a subscription may name a private,
  // loopback or link-local address (ektp serve --allow-private-webhooks: development and tests).
  const agency::WebhookSigningKey* webhook_key = nullptr;
  bool allow_private_webhooks = false;
  // Agency calls are counted and recorded in groups (agency/agency_call_ledger.h); without a
  // ledger, each call in a transaction of its own.
  agency::AgencyCallLedger* agency_calls = nullptr;
  // Bulk matching (api/bulk_match_routes.h): where uploads and results live (none: the routes
  // answer 503), the worker that runs the jobs, and the largest file an agency may upload.
  const bulk::BulkJobFiles* bulk_files = nullptr;
  bulk::BulkJobWorker* bulk_worker = nullptr;
  std::uint64_t bulk_file_bytes_max = 0;
};

// Registers every /api/v1 route of docs/api.md.
void add_registry_routes(class Router& router, ApiServices& services);
// Central's station routes: register/list/revoke stations, provisioning, and the signed sync
// routes (upload, working-copy changes, lease renewal); the resident's enrollment status.
void add_sync_routes(class Router& router, ApiServices& services);
// Adjudication of possible duplicates (two-person rule), enrollment images for the side-by-side
// view, and supervisors' resolution of sync conflicts.
void add_adjudication_routes(class Router& router, ApiServices& services);

}  // namespace ektp::api
