// A station's own identity, kept in its database: which station it is, its district, central's
// address and public key, its Ed25519 key pair, the request counter and the pull cursors.
// Moving the database file moves the station (keys, outbox and all): see docs/station.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/database.h"

namespace ektp::sync {

struct StationIdentity {
  std::string station_id;
  std::string district_code;
  std::string central_url;
  std::string secret_key_hex;
  std::string public_key_hex;
  std::string central_public_key_hex;
  std::int64_t persons_cursor_ms = 0;
  std::int64_t families_cursor_ms = 0;
  // How the station trusts central's TLS server: a pinned key (SHA-256 of its
  // SubjectPublicKeyInfo, from the provisioning token) and/or a CA file.
  std::string central_tls_pin;
  std::string central_ca_file;
};

// nullopt when the station has not been provisioned.
Result<std::optional<StationIdentity>> load_station_identity(store::Database& db);
// Inserts or replaces the one identity row.
Status save_station_identity(store::Connection& db, const StationIdentity& identity, std::int64_t now_ms);
// The next request counter, committed durably before it is used, so that it only ever grows,
// even across a kill -9.
Result<std::int64_t> next_request_counter(store::Database& db);
Status save_pull_cursors(store::Database& db, std::int64_t persons_cursor_ms, std::int64_t families_cursor_ms);

}  // namespace ektp::sync
