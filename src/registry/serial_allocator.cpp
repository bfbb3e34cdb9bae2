#include "registry/serial_allocator.h"

#include <fmt/format.h>

#include "core/nik.h"

namespace ektp::registry {

Result<int> next_serial(store::Connection& db, std::string_view prefix) {
  auto result = db.execute(
      "INSERT INTO serials (prefix, last_serial) VALUES ($1, 1) "
      "ON CONFLICT (prefix) DO UPDATE SET last_serial = serials.last_serial + 1 "
      "RETURNING last_serial",
      {std::string(prefix)});
  if (!result) return std::unexpected(result.error());
  if (result->rows.empty()) return make_error(ErrorCode::kInternal, "serial allocation returned nothing");
  auto serial = result->rows.front().integer(0);
  // Stations lease blocks from the top of the range (src/sync/serial_leases.h); central stays below.
  const bool kk = prefix.starts_with("KK");
  const std::string district(prefix.substr(kk ? 2 : 0, 6));
  auto floor = db.execute("SELECT MIN(first_serial) FROM serial_leases WHERE kind = $1 AND district_code = $2",
                          {std::string(kk ? "kk" : "nik"), district});
  if (!floor) return std::unexpected(floor.error());
  if (!floor->rows.empty() && !floor->rows[0].is_null(0) && serial >= floor->rows[0].integer(0)) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("serials of prefix {} below the stations' leases ({}) are used up", prefix,
                                  floor->rows[0].integer(0)));
  }
  if (serial > nik_serial_max) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("all {} serials of prefix {} are used", nik_serial_max, prefix));
  }
  return static_cast<int>(serial);
}

}  // namespace ektp::registry
