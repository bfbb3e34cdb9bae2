#include "sync/serial_leases.h"

#include <fmt/format.h>

#include "core/civil_date.h"
#include "core/limits.h"
#include "core/nik.h"
#include "sync/signing.h"

namespace ektp::sync {

namespace {

Status check_kind(std::string_view kind) {
  if (kind != "nik" && kind != "kk") return invalid_argument(fmt::format("lease kind '{}' is not nik or kk", kind));
  return {};
}

SerialLease lease_from_row(const store::Row& row) {
  return SerialLease{row.text(0),    row.text(1),    row.text(2),    row.text(3),   static_cast<int>(row.integer(4)),
                     static_cast<int>(row.integer(5)), row.integer(6), row.integer(7), row.integer(8)};
}

constexpr std::string_view kLeaseColumns =
    "lease_id, station_id, kind, district_code, first_serial, last_serial, granted_at_ms, valid_for_ms, expires_at_ms";

std::string format_ms(std::int64_t ms) {
  auto date = jakarta_date_of(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
  return format_civil_date(date);
}

}  // namespace

Result<SerialLease> grant_lease(store::Connection& db, std::string_view station_id, std::string_view district_code,
                                std::string_view kind, int count, std::int64_t valid_for_ms, std::int64_t now_ms) {
  if (auto s = check_kind(kind); !s) return std::unexpected(s.error());
  if (count < 1 || count > static_cast<int>(limits::serial_lease_size_max)) {
    return invalid_argument(fmt::format("lease size {} is not 1..{}", count, limits::serial_lease_size_max));
  }
  auto floor = db.execute("SELECT MIN(first_serial) FROM serial_leases WHERE kind = $1 AND district_code = $2",
                          {std::string(kind), std::string(district_code)});
  if (!floor) return std::unexpected(floor.error());
  std::int64_t top = floor->rows[0].is_null(0) ? nik_serial_max + 1 : floor->rows[0].integer(0);
  std::int64_t first = top - count;
  std::string pattern = fmt::format("{}{}%", kind == "kk" ? "KK" : "", district_code);
  auto used = db.execute("SELECT COALESCE(MAX(last_serial), 0) FROM serials WHERE prefix LIKE $1", {pattern});
  if (!used) return std::unexpected(used.error());
  if (first <= used->rows[0].integer(0)) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("no {} serials left to lease in district {}: central has used up to {}", kind,
                                  district_code, used->rows[0].integer(0)));
  }
  SerialLease lease{random_uuid(),      std::string(station_id), std::string(kind), std::string(district_code),
                    static_cast<int>(first), static_cast<int>(top - 1), now_ms, valid_for_ms, now_ms + valid_for_ms};
  auto inserted = db.execute(
      fmt::format("INSERT INTO serial_leases ({}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)", kLeaseColumns),
      {lease.lease_id, lease.station_id, lease.kind, lease.district_code, std::int64_t{lease.first_serial},
       std::int64_t{lease.last_serial}, lease.granted_at_ms, lease.valid_for_ms, lease.expires_at_ms});
  if (!inserted) return std::unexpected(inserted.error());
  return lease;
}

Result<std::vector<SerialLease>> active_leases(store::Connection& db, std::string_view station_id,
                                               std::int64_t now_ms) {
  auto rows = db.execute(fmt::format("SELECT {} FROM serial_leases WHERE station_id = $1 AND expires_at_ms > $2 "
                                     "ORDER BY first_serial DESC",
                                     kLeaseColumns),
                         {std::string(station_id), now_ms});
  if (!rows) return std::unexpected(rows.error());
  std::vector<SerialLease> out;
  for (const auto& row : rows->rows) out.push_back(lease_from_row(row));
  return out;
}

Status check_leased_serial(store::Connection& db, std::string_view station_id, std::string_view kind,
                           std::string_view district_code, int serial) {
  auto rows = db.execute(
      "SELECT 1 FROM serial_leases WHERE station_id = $1 AND kind = $2 AND district_code = $3 "
      "AND first_serial <= $4 AND last_serial >= $4",
      {std::string(station_id), std::string(kind), std::string(district_code), std::int64_t{serial}});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("{} serial {} in district {} was not leased to station {}", kind, serial,
                                  district_code, station_id));
  }
  return {};
}

Status store_station_lease(store::Connection& db, SerialLease lease, std::int64_t local_now_ms) {
  lease.expires_at_ms = local_now_ms + lease.valid_for_ms;
  auto inserted = db.execute(
      fmt::format("INSERT INTO serial_leases ({}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) "
                  "ON CONFLICT (lease_id) DO NOTHING",
                  kLeaseColumns),
      {lease.lease_id, lease.station_id, lease.kind, lease.district_code, std::int64_t{lease.first_serial},
       std::int64_t{lease.last_serial}, lease.granted_at_ms, lease.valid_for_ms, lease.expires_at_ms});
  if (!inserted) return std::unexpected(inserted.error());
  return {};
}

Result<int> next_leased_serial(store::Connection& db, std::string_view kind, std::string_view prefix,
                               std::int64_t now_ms) {
  if (auto s = check_kind(kind); !s) return std::unexpected(s.error());
  const std::string district(prefix.substr(kind == "kk" ? 2 : 0, 6));
  auto rows = db.execute(fmt::format("SELECT {} FROM serial_leases WHERE kind = $1 AND district_code = $2 "
                                     "ORDER BY first_serial DESC",
                                     kLeaseColumns),
                         {std::string(kind), district});
  if (!rows) return std::unexpected(rows.error());
  std::int64_t last_expiry = 0;
  bool any_valid = false;
  for (const auto& row : rows->rows) {
    auto lease = lease_from_row(row);
    last_expiry = std::max(last_expiry, lease.expires_at_ms);
    if (lease.expires_at_ms <= now_ms) continue;
    any_valid = true;
    auto used = db.execute("SELECT last_serial FROM serial_lease_use WHERE lease_id = $1 AND prefix = $2",
                           {lease.lease_id, std::string(prefix)});
    if (!used) return std::unexpected(used.error());
    int next = used->rows.empty() ? lease.first_serial : static_cast<int>(used->rows[0].integer(0)) + 1;
    if (next > lease.last_serial) continue;
    auto saved = db.execute(
        "INSERT INTO serial_lease_use (lease_id, prefix, last_serial) VALUES ($1,$2,$3) "
        "ON CONFLICT (lease_id, prefix) DO UPDATE SET last_serial = $3",
        {lease.lease_id, std::string(prefix), std::int64_t{next}});
    if (!saved) return std::unexpected(saved.error());
    return next;
  }
  if (!any_valid) {
    if (last_expiry == 0) {
      return failed_precondition(fmt::format("this station holds no {} serial lease for district {}: connect to "
                                             "central to get one",
                                             kind, district));
    }
    return failed_precondition(fmt::format("the {} serial lease for district {} expired on {}: connect to central "
                                           "to renew it",
                                           kind, district, format_ms(last_expiry)));
  }
  return make_error(ErrorCode::kResourceExhausted,
                    fmt::format("the leased {} serials for prefix {} are used up: connect to central for more",
                                kind, prefix));
}

Result<std::int64_t> leased_serials_left(store::Connection& db, std::string_view kind, std::int64_t now_ms) {
  auto rows = db.execute(
      "SELECT COALESCE(SUM(last_serial - first_serial + 1), 0) FROM serial_leases WHERE kind = $1 AND "
      "expires_at_ms > $2",
      {std::string(kind), now_ms});
  if (!rows) return std::unexpected(rows.error());
  return rows->rows[0].integer(0);
}

}  // namespace ektp::sync
