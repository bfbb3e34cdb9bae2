#include "sync/station_directory.h"

#include <unordered_map>

#include <fmt/format.h>

#include "core/limits.h"
#include "core/role.h"
#include "access/audit_log.h"
#include "access/sha256.h"
#include "sync/operator_enrolment.h"

namespace ektp::sync {

namespace {

using store::Blob;

std::string blob_text(const store::Row& row, std::size_t i) {
  auto b = row.blob(i);
  return std::string(b.begin(), b.end());
}

Blob text_blob(std::string_view s) { return Blob{std::vector<std::uint8_t>(s.begin(), s.end())}; }

Status validate_station_id(std::string_view id) {
  if (id.size() < 3 || id.size() > limits::station_id_bytes_max) {
    return invalid_argument(fmt::format("station_id: must be 3 to {} characters", limits::station_id_bytes_max));
  }
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return invalid_argument(fmt::format("station_id: '{}' may hold only a-z, 0-9 and '-'", id));
    }
  }
  return {};
}

constexpr std::string_view kStationColumns =
    "station_id, district_code, name, status, public_key, last_request_counter, last_seq, created_at_ms, "
    "provisioned_at_ms, revoked_at_ms, last_seen_at_ms";

StationRecord station_from_row(const store::Row& row) {
  StationRecord s;
  s.station_id = row.text(0);
  s.district_code = row.text(1);
  s.name = row.text(2);
  s.status = row.text(3);
  s.public_key_hex = blob_text(row, 4);
  s.last_request_counter = row.integer(5);
  s.last_seq = row.integer(6);
  s.created_at_ms = row.integer(7);
  s.provisioned_at_ms = row.integer(8);
  s.revoked_at_ms = row.integer(9);
  s.last_seen_at_ms = row.integer(10);
  return s;
}

Result<std::vector<SerialLease>> grant_both(store::Connection& c, const StationRecord& station, std::int64_t now_ms) {
  std::vector<SerialLease> leases;
  for (auto [kind, size] : {std::pair{"nik", nik_lease_size}, std::pair{"kk", kk_lease_size}}) {
    auto lease = grant_lease(c, station.station_id, station.district_code, kind, size, lease_validity_ms, now_ms);
    if (!lease) return std::unexpected(lease.error());
    leases.push_back(std::move(*lease));
  }
  return leases;
}

}  // namespace

Result<KeyPair> central_signing_key(store::Database& db, std::int64_t now_ms) {
  return store::with_write_transaction<KeyPair>(db, [&](store::Connection& c) -> Result<KeyPair> {
    auto rows = c.execute("SELECT secret_key, public_key FROM server_keys WHERE name = 'sync'");
    if (!rows) return std::unexpected(rows.error());
    if (!rows->rows.empty()) return KeyPair{blob_text(rows->rows[0], 1), blob_text(rows->rows[0], 0)};
    KeyPair pair = generate_key_pair();
    auto inserted = c.execute(
        "INSERT INTO server_keys (name, secret_key, public_key, created_at_ms) VALUES ('sync', $1, $2, $3)",
        {text_blob(pair.secret_key_hex), text_blob(pair.public_key_hex), now_ms});
    if (!inserted) return std::unexpected(inserted.error());
    return pair;
  });
}

Result<StationRecord> load_station(store::Connection& db, std::string_view station_id) {
  auto rows = db.execute(fmt::format("SELECT {} FROM stations WHERE station_id = $1", kStationColumns),
                         {std::string(station_id)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return not_found(fmt::format("station {} is not registered", station_id));
  auto station = station_from_row(rows->rows[0]);
  auto ops = db.execute("SELECT username FROM station_operators WHERE station_id = $1 ORDER BY username",
                        {std::string(station_id)});
  if (!ops) return std::unexpected(ops.error());
  for (const auto& row : ops->rows) station.operators.push_back(row.text(0));
  return station;
}

Result<std::string> register_station(store::Database& db, const RegionDirectory& regions,
                                     const StationRegistration& r, std::string_view admin, std::int64_t now_ms) {
  if (auto s = validate_station_id(r.station_id); !s) return std::unexpected(s.error());
  const Region* district = regions.find(r.district_code);
  if (r.district_code.size() != 6 || district == nullptr) {
    return invalid_argument(fmt::format("district_code: {} is not a district (kecamatan)", r.district_code));
  }
  if (r.name.empty() || r.name.size() > limits::place_bytes_max) return invalid_argument("name: 1 to 80 bytes");
  if (r.operators.empty() || r.operators.size() > limits::station_operators_max) {
    return invalid_argument(fmt::format("operators: 1 to {} users", limits::station_operators_max));
  }
  std::string token = random_hex(32);
  auto done = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    for (const auto& username : r.operators) {
      auto user = c.execute("SELECT role, active FROM users WHERE username = $1", {username});
      if (!user) return std::unexpected(user.error());
      if (user->rows.empty()) return invalid_argument(fmt::format("operators: user '{}' does not exist", username));
      auto role = parse_role(user->rows[0].text(0));
      if (!role || !can_record_events(*role) || user->rows[0].integer(1) == 0) {
        return invalid_argument(fmt::format("operators: '{}' is not an active operator or supervisor", username));
      }
    }
    auto existing = c.execute("SELECT status FROM stations WHERE station_id = $1", {r.station_id});
    if (!existing) return std::unexpected(existing.error());
    if (!existing->rows.empty()) {
      if (existing->rows[0].text(0) == "revoked") {
        return failed_precondition(fmt::format("station {} is revoked; register a new station id", r.station_id));
      }
      // Re-registration (new hardware): a new token; the old key stops working once it is used.
      auto updated = c.execute(
          "UPDATE stations SET district_code = $2, name = $3, status = 'registered', provisioning_hash = $4 "
          "WHERE station_id = $1",
          {r.station_id, r.district_code, r.name, access::sha256_hex(token)});
      if (!updated) return std::unexpected(updated.error());
    } else {
      auto inserted = c.execute(
          "INSERT INTO stations (station_id, district_code, name, status, provisioning_hash, created_at_ms) "
          "VALUES ($1,$2,$3,'registered',$4,$5)",
          {r.station_id, r.district_code, r.name, access::sha256_hex(token), now_ms});
      if (!inserted) return std::unexpected(inserted.error());
    }
    auto cleared = c.execute("DELETE FROM station_operators WHERE station_id = $1", {r.station_id});
    if (!cleared) return std::unexpected(cleared.error());
    for (const auto& username : r.operators) {
      auto added = c.execute("INSERT INTO station_operators (station_id, username) VALUES ($1,$2) "
                             "ON CONFLICT (station_id, username) DO NOTHING",
                             {r.station_id, username});
      if (!added) return std::unexpected(added.error());
    }
    if (auto s = access::append_audit(c, {now_ms, std::string(admin), "station.register", r.station_id,
                                            fmt::format("district {}", r.district_code)});
        !s) {
      return std::unexpected(s.error());
    }
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return token;
}

Result<Provisioning> provision_station(store::Database& db, std::string_view station_id, std::string_view token,
                                       std::string_view public_key_hex, std::int64_t now_ms) {
  std::uint8_t key[32];
  if (auto s = from_hex(public_key_hex, key, sizeof key); !s) {
    return invalid_argument("public_key: " + s.error().message);
  }
  auto central = central_signing_key(db, now_ms);
  if (!central) return std::unexpected(central.error());
  return store::with_write_transaction<Provisioning>(db, [&](store::Connection& c) -> Result<Provisioning> {
    auto rows = c.execute("SELECT status, provisioning_hash FROM stations WHERE station_id = $1",
                          {std::string(station_id)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->rows.empty() || rows->rows[0].text(1) != access::sha256_hex(token)) {
      return make_error(ErrorCode::kUnauthenticated, "unknown station or wrong provisioning token");
    }
    if (rows->rows[0].text(0) != "registered") {
      return failed_precondition(fmt::format("station {} is {}: its token cannot be used again", station_id,
                                             rows->rows[0].text(0)));
    }
    // Spent here, checked again by the UPDATE itself: on PostgreSQL (READ COMMITTED) two
    // attempts with the same token both pass the checks above, and both would be told they are
    // provisioned while only the last key stays.
    auto updated = c.execute(
        "UPDATE stations SET status = 'active', public_key = $2, provisioned_at_ms = $3, provisioning_hash = '', "
        "last_request_counter = 0 WHERE station_id = $1 AND status = 'registered' AND provisioning_hash = $4",
        {std::string(station_id), text_blob(public_key_hex), now_ms, access::sha256_hex(token)});
    if (!updated) return std::unexpected(updated.error());
    if (updated->rows_affected != 1) {
      return failed_precondition(fmt::format("station {}: its token was used at the same moment", station_id));
    }
    auto station = load_station(c, station_id);
    if (!station) return std::unexpected(station.error());
    Provisioning p;
    p.station = *station;
    p.central_public_key_hex = central->public_key_hex;
    // Names and roles only: each operator activates at the station with a one-time code.
    auto roster = station_operator_roster(c, station_id);
    if (!roster) return std::unexpected(roster.error());
    for (auto& op : *roster) {
      if (op.active) p.operators.push_back(std::move(op));
    }
    auto leases = grant_both(c, *station, now_ms);
    if (!leases) return std::unexpected(leases.error());
    p.leases = std::move(*leases);
    if (auto s = access::append_audit(c, {now_ms, std::string(station_id), "station.provision",
                                            std::string(station_id), "key registered"});
        !s) {
      return std::unexpected(s.error());
    }
    return p;
  });
}

Status revoke_station(store::Database& db, std::string_view station_id, std::string_view admin, std::int64_t now_ms) {
  auto done = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    auto updated = c.execute(
        "UPDATE stations SET status = 'revoked', revoked_at_ms = $2, provisioning_hash = '' WHERE station_id = $1",
        {std::string(station_id), now_ms});
    if (!updated) return std::unexpected(updated.error());
    if (updated->rows_affected == 0) return not_found(fmt::format("station {} is not registered", station_id));
    if (auto s = access::append_audit(c, {now_ms, std::string(admin), "station.revoke", std::string(station_id), ""});
        !s) {
      return std::unexpected(s.error());
    }
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<std::vector<StationRecord>> list_stations(store::Database& db) {
  return store::with_read_transaction<std::vector<StationRecord>>(
      db, [&](store::Connection& c) -> Result<std::vector<StationRecord>> {
        // Two queries for any number of stations: the stations, then every operator, grouped by
        // station here (not merged by ORDER BY: PostgreSQL's collation need not be byte order).
        auto rows = c.execute(fmt::format("SELECT {} FROM stations ORDER BY station_id", kStationColumns));
        if (!rows) return std::unexpected(rows.error());
        auto ops = c.execute("SELECT station_id, username FROM station_operators ORDER BY username");
        if (!ops) return std::unexpected(ops.error());
        std::unordered_map<std::string, std::vector<std::string>> operators;
        for (const auto& row : ops->rows) operators[row.text(0)].push_back(row.text(1));
        std::vector<StationRecord> out;
        out.reserve(rows->rows.size());
        for (const auto& row : rows->rows) {
          StationRecord station = station_from_row(row);
          if (auto it = operators.find(station.station_id); it != operators.end()) station.operators = std::move(it->second);
          out.push_back(std::move(station));
        }
        return out;
      });
}

Result<StationRecord> authenticate_station_request(store::Database& db, std::string_view station_id,
                                                   std::int64_t counter, std::string_view signature_hex,
                                                   std::string_view signing_text, std::int64_t now_ms) {
  // Everything that can refuse a forged request is checked in a read transaction: a request
  // that does not verify never takes the write lock.
  auto checked = store::with_read_transaction<StationRecord>(db, [&](store::Connection& c) -> Result<StationRecord> {
    auto station = load_station(c, station_id);
    if (!station) {
      if (station.error().code == ErrorCode::kNotFound) {
        return make_error(ErrorCode::kUnauthenticated, fmt::format("station {} is not known", station_id));
      }
      return std::unexpected(station.error());
    }
    if (station->status == "revoked") {
      return make_error(ErrorCode::kPermissionDenied, fmt::format("station {} is revoked", station_id));
    }
    if (station->status != "active") {
      return make_error(ErrorCode::kPermissionDenied, fmt::format("station {} is not provisioned", station_id));
    }
    if (!verify_hex(station->public_key_hex, signing_text, signature_hex)) {
      return make_error(ErrorCode::kUnauthenticated, "station request signature does not verify");
    }
    if (counter <= station->last_request_counter) {
      return make_error(ErrorCode::kUnauthenticated,
                        fmt::format("replayed station request (counter {} is not above {})", counter,
                                    station->last_request_counter));
    }
    return station;
  });
  if (!checked) return checked;
  return store::with_write_transaction<StationRecord>(db, [&](store::Connection& c) -> Result<StationRecord> {
    // The counter moves only upwards, checked again by the UPDATE itself: on PostgreSQL (READ
    // COMMITTED) two copies of a request racing here both pass the check above, and the second
    // would otherwise be accepted too, or put the counter back below a newer request's. A
    // revocation since the check above also makes it fail.
    auto updated = c.execute(
        "UPDATE stations SET last_request_counter = $2, last_seen_at_ms = $3 "
        "WHERE station_id = $1 AND last_request_counter < $2 AND status = 'active'",
        {std::string(station_id), counter, now_ms});
    if (!updated) return std::unexpected(updated.error());
    if (updated->rows_affected != 1) {
      return make_error(ErrorCode::kUnauthenticated,
                        fmt::format("replayed station request (counter {} is not above the last one)", counter));
    }
    StationRecord station = *checked;
    station.last_request_counter = counter;
    station.last_seen_at_ms = now_ms;
    return station;
  });
}

Result<std::vector<SerialLease>> renew_station_leases(store::Database& db, std::string_view station_id,
                                                      std::int64_t now_ms) {
  return store::with_write_transaction<std::vector<SerialLease>>(
      db, [&](store::Connection& c) -> Result<std::vector<SerialLease>> {
        auto station = load_station(c, station_id);
        if (!station) return std::unexpected(station.error());
        if (station->status != "active") {
          return make_error(ErrorCode::kPermissionDenied, fmt::format("station {} is not active", station_id));
        }
        return grant_both(c, *station, now_ms);
      });
}

}  // namespace ektp::sync
