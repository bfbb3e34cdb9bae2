// The station's connection to central over HTTP: provisioning (with the one-time token), and
// signed requests for uploads, working-copy pages and lease renewal. Each signed request takes a
// fresh counter from the station database first, so a request can never be replayed.
#pragma once

#include <chrono>
#include <string>

#include "store/database.h"
#include "sync/station_directory.h"
#include "sync/station_identity.h"
#include "sync/uploader.h"
#include "sync/working_copy.h"

namespace ektp::api {

// Asks central to provision `station_id` with the token; returns what central handed over.
Result<sync::Provisioning> request_provisioning(std::string_view central_url, std::string_view station_id,
                                                std::string_view token, std::string_view public_key_hex);

class CentralClient : public sync::CentralLink {
 public:
  CentralClient(store::Database& station_db, sync::StationIdentity identity,
                std::chrono::milliseconds timeout = std::chrono::seconds(60))
      : db_(station_db), identity_(std::move(identity)), timeout_(timeout) {}

  Result<sync::UploadResponse> upload(const sync::UploadRequest& request) override;
  Result<sync::ChangesPage> changes(std::string_view table, std::int64_t after_ms, std::string_view after_key);
  Result<std::vector<sync::SerialLease>> renew_leases();

 private:
  Result<std::string> signed_request(std::string method, std::string target, std::string body);

  store::Database& db_;
  sync::StationIdentity identity_;
  std::chrono::milliseconds timeout_;
};

// Pulls every changed person and family of the station's district since its cursors, applies
// them, and saves the cursors. Returns the number of rows applied.
Result<std::size_t> pull_working_copy(store::Database& station_db, CentralClient& client);

}  // namespace ektp::api
