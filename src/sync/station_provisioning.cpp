#include "sync/station_provisioning.h"

namespace ektp::sync {

Status apply_provisioning(store::Database& station_db, const Provisioning& p, std::string_view central_url,
                          const KeyPair& station_key, std::int64_t local_now_ms, std::string_view central_tls_pin,
                          std::string_view central_ca_file) {
  auto done = store::with_write_transaction<bool>(station_db, [&](store::Connection& c) -> Result<bool> {
    StationIdentity identity{p.station.station_id, p.station.district_code, std::string(central_url),
                             station_key.secret_key_hex, station_key.public_key_hex, p.central_public_key_hex, 0, 0,
                             std::string(central_tls_pin), std::string(central_ca_file)};
    if (auto s = save_station_identity(c, identity, local_now_ms); !s) return std::unexpected(s.error());
    for (const auto& op : p.operators) {
      // No password: the operator activates the account here with a code from central.
      auto saved = c.execute(
          "INSERT INTO users (username, password_hash, role, created_at_ms) VALUES ($1,'',$2,$3) "
          "ON CONFLICT (username) DO UPDATE SET role = $2, active = 1",
          {op.username, op.role, local_now_ms});
      if (!saved) return std::unexpected(saved.error());
    }
    for (const auto& lease : p.leases) {
      if (auto s = store_station_lease(c, lease, local_now_ms); !s) return std::unexpected(s.error());
    }
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Status store_station_leases(store::Database& station_db, const std::vector<SerialLease>& leases,
                            std::int64_t local_now_ms) {
  auto done = store::with_write_transaction<bool>(station_db, [&](store::Connection& c) -> Result<bool> {
    for (const auto& lease : leases) {
      if (auto s = store_station_lease(c, lease, local_now_ms); !s) return std::unexpected(s.error());
    }
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace ektp::sync
