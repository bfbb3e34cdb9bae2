// The station's side of provisioning: keeps what central handed over (its identity and central's
// key, its operators' credentials, its serial leases) in one transaction.
#pragma once

#include "store/database.h"
#include "sync/station_directory.h"
#include "sync/station_identity.h"

namespace ektp::sync {

// `central_tls_pin` / `central_ca_file`: how the station will trust central's TLS server.
Status apply_provisioning(store::Database& station_db, const Provisioning& provisioning,
                          std::string_view central_url, const KeyPair& station_key, std::int64_t local_now_ms,
                          std::string_view central_tls_pin = {}, std::string_view central_ca_file = {});

// Keeps leases renewed by central (expiry counted on this station's clock).
Status store_station_leases(store::Database& station_db, const std::vector<SerialLease>& leases,
                            std::int64_t local_now_ms);

}  // namespace ektp::sync
