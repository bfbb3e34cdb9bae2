// Serial-number leases: central lends each station a block of NIK/KK serials so that a station
// can register a birth or a new family card offline and two stations never issue the same
// number. A lease is [first_serial, last_serial] for every prefix (date, sex) of one district;
// leases are carved from the top of 1..9999 downwards and central's own allocator stays below
// the lowest lease (registry/serial_allocator.cpp). An unused part of an expired lease is never
// reissued. Expiry is measured on each side's own clock from the validity period, so a station
// whose clock is wrong by hours still expires its lease on time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/database.h"

namespace ektp::sync {

inline constexpr std::int64_t lease_validity_ms = 30LL * 24 * 3600 * 1000;
inline constexpr int nik_lease_size = 200;
inline constexpr int kk_lease_size = 100;

struct SerialLease {
  std::string lease_id;
  std::string station_id;
  std::string kind;           // "nik" or "kk"
  std::string district_code;  // 6 digits
  int first_serial = 0;
  int last_serial = 0;
  std::int64_t granted_at_ms = 0;
  std::int64_t valid_for_ms = 0;
  std::int64_t expires_at_ms = 0;  // on the clock of the side that stored it
};

// Central: grants a new block of `count` serials. kResourceExhausted when the block would reach
// serials central has already used in that district; kInvalidArgument for a bad kind or count.
Result<SerialLease> grant_lease(store::Connection& db, std::string_view station_id, std::string_view district_code,
                                std::string_view kind, int count, std::int64_t valid_for_ms, std::int64_t now_ms);
// Central: the unexpired leases of a station.
Result<std::vector<SerialLease>> active_leases(store::Connection& db, std::string_view station_id,
                                               std::int64_t now_ms);
// Central: kPermissionDenied unless `serial` lies in a lease granted to this station for the
// district (the upload may arrive after expiry: what counts is that the block was lent to it).
Status check_leased_serial(store::Connection& db, std::string_view station_id, std::string_view kind,
                           std::string_view district_code, int serial);

// Station: keeps a lease received from central; its expiry is counted from `local_now_ms`.
Status store_station_lease(store::Connection& db, SerialLease lease, std::int64_t local_now_ms);
// Station: the next serial for a 12-digit NIK prefix (kind "nik") or "KK"+12 (kind "kk") from a
// valid lease. kFailedPrecondition when no lease is valid now (naming when the last one
// expired); kResourceExhausted when valid leases are used up for that prefix.
Result<int> next_leased_serial(store::Connection& db, std::string_view kind, std::string_view prefix,
                               std::int64_t now_ms);
// Station: how many serials remain in valid leases of a kind (for the status page).
Result<std::int64_t> leased_serials_left(store::Connection& db, std::string_view kind, std::int64_t now_ms);

}  // namespace ektp::sync
