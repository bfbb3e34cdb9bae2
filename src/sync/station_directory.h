// Central's register of stations: an admin registers a station (its kecamatan and operators) and
// gets a one-time provisioning token; the station proves the token once, hands over its public
// key and receives central's public key, its operators' names and roles and its first serial leases.
// Every later station request is signed (sync_protocol.h) and checked here: unknown, revoked,
// forged and replayed requests are refused. Registration and revocation are audited.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/region.h"
#include "store/database.h"
#include "sync/serial_leases.h"
#include "sync/signing.h"

namespace ektp::sync {

struct StationRecord {
  std::string station_id;
  std::string district_code;
  std::string name;
  std::string status;  // registered (token issued), active, revoked
  std::string public_key_hex;
  std::int64_t last_request_counter = 0;
  std::int64_t last_seq = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t provisioned_at_ms = 0;
  std::int64_t revoked_at_ms = 0;
  std::int64_t last_seen_at_ms = 0;
  std::vector<std::string> operators;
};

struct StationRegistration {
  std::string station_id;     // 3–40 of [a-z0-9-]
  std::string district_code;  // kecamatan, 6 digits
  std::string name;
  std::vector<std::string> operators;  // existing operator/supervisor users
};

// An operator as central tells a station of them: never a password (sync/operator_enrolment.h).
struct OperatorCredential {
  std::string username;
  std::string role;
  bool active = true;
};

struct Provisioning {
  StationRecord station;
  std::string central_public_key_hex;
  std::vector<OperatorCredential> operators;
  std::vector<SerialLease> leases;
};

// Central's own signing key (created on first use, kept in server_keys).
Result<KeyPair> central_signing_key(store::Database& db, std::int64_t now_ms);

// Registers (or re-registers, e.g. for new hardware) a station; returns the provisioning token.
Result<std::string> register_station(store::Database& db, const RegionDirectory& regions,
                                     const StationRegistration& registration, std::string_view admin,
                                     std::int64_t now_ms);
// kUnauthenticated for an unknown station or wrong token; kFailedPrecondition when the token was
// already used or the station is revoked.
Result<Provisioning> provision_station(store::Database& db, std::string_view station_id, std::string_view token,
                                       std::string_view public_key_hex, std::int64_t now_ms);
Status revoke_station(store::Database& db, std::string_view station_id, std::string_view admin, std::int64_t now_ms);
Result<std::vector<StationRecord>> list_stations(store::Database& db);
Result<StationRecord> load_station(store::Connection& db, std::string_view station_id);

// Checks a signed station request and records its counter. kUnauthenticated for an unknown
// station, a bad signature or a counter not above the last one (replay); kPermissionDenied for a
// revoked or not yet provisioned station.
Result<StationRecord> authenticate_station_request(store::Database& db, std::string_view station_id,
                                                   std::int64_t counter, std::string_view signature_hex,
                                                   std::string_view signing_text, std::int64_t now_ms);

// Grants fresh leases of both kinds to an active station (on request).
Result<std::vector<SerialLease>> renew_station_leases(store::Database& db, std::string_view station_id,
                                                      std::int64_t now_ms);

}  // namespace ektp::sync
