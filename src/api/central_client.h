// The station's connection to central over HTTP: provisioning (with the one-time token), and
// signed requests for uploads, working-copy pages and lease renewal. Each signed request takes a
// fresh counter from the station database first, so a request can never be replayed.
#pragma once

#include <chrono>
#include <string>

#include "api/tls_trust.h"
#include "core/role.h"
#include "store/database.h"
#include "sync/station_directory.h"
#include "sync/station_identity.h"
#include "sync/uploader.h"
#include "sync/working_copy.h"

namespace ektp::api {

// What an admin hands a station to provision it (`provisioning_code` of POST /api/v1/stations):
// "<one-time token>~<central's Ed25519 signing key, hex>~<SHA-256 pin of central's TLS key, or ->".
// The pins come with the secret, never from central's first answer, so a man in the middle at
// provisioning is refused.
struct ProvisioningCode {
  std::string token;
  std::string central_public_key_hex;
  std::string central_tls_pin;  // empty when central serves plain HTTP on this machine
};
Result<ProvisioningCode> parse_provisioning_code(std::string_view code);
std::string format_provisioning_code(const ProvisioningCode& code);

// Asks central to provision `station_id`; returns what central handed over, once its TLS key and
// its signing key match the code's pins (kPermissionDenied otherwise).
Result<sync::Provisioning> request_provisioning(std::string_view central_url, std::string_view station_id,
                                                const ProvisioningCode& code, std::string_view public_key_hex,
                                                const TlsTrust& trust = {});
// The TLS trust a provisioned station has in central.
TlsTrust central_trust(const sync::StationIdentity& identity);

class CentralClient : public sync::CentralLink {
 public:
  CentralClient(store::Database& station_db, sync::StationIdentity identity,
                std::chrono::milliseconds timeout = std::chrono::seconds(60))
      : db_(station_db), identity_(std::move(identity)), timeout_(timeout) {}

  Result<sync::UploadResponse> upload(const sync::UploadRequest& request) override;
  Result<sync::ChangesPage> changes(std::string_view table, std::int64_t after_ms, std::string_view after_key);
  Result<std::vector<sync::SerialLease>> renew_leases();
  // Asks central to spend an operator's activation code for this station; answers their role.
  Result<Role> redeem_operator_code(std::string_view username, std::string_view code);
  // This station's operators as central knows them now (deactivations, role changes).
  Result<std::vector<sync::OperatorCredential>> operator_roster();

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
