#include "sync/station_identity.h"

namespace ektp::sync {

Result<std::optional<StationIdentity>> load_station_identity(store::Database& db) {
  return store::with_read_transaction<std::optional<StationIdentity>>(
      db, [](store::Connection& c) -> Result<std::optional<StationIdentity>> {
        auto rows = c.execute(
            "SELECT station_id, district_code, central_url, secret_key, public_key, central_public_key, "
            "persons_cursor_ms, families_cursor_ms, central_tls_pin, central_ca_file FROM station_identity "
            "WHERE id = 1");
        if (!rows) return std::unexpected(rows.error());
        if (rows->rows.empty()) return std::optional<StationIdentity>{};
        const auto& row = rows->rows[0];
        auto text_of = [&](std::size_t i) {
          auto b = row.blob(i);
          return std::string(b.begin(), b.end());
        };
        return std::optional<StationIdentity>{StationIdentity{row.text(0), row.text(1), row.text(2), text_of(3),
                                                              text_of(4), text_of(5), row.integer(6),
                                                              row.integer(7), row.text(8), row.text(9)}};
      });
}

Status save_station_identity(store::Connection& db, const StationIdentity& id, std::int64_t now_ms) {
  auto blob = [](const std::string& s) { return store::Blob{std::vector<std::uint8_t>(s.begin(), s.end())}; };
  auto removed = db.execute("DELETE FROM station_identity WHERE id = 1");
  if (!removed) return std::unexpected(removed.error());
  auto inserted = db.execute(
      "INSERT INTO station_identity (id, station_id, district_code, central_url, secret_key, public_key, "
      "central_public_key, persons_cursor_ms, families_cursor_ms, provisioned_at_ms, central_tls_pin, "
      "central_ca_file) VALUES (1,$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
      {id.station_id, id.district_code, id.central_url, blob(id.secret_key_hex), blob(id.public_key_hex),
       blob(id.central_public_key_hex), id.persons_cursor_ms, id.families_cursor_ms, now_ms, id.central_tls_pin,
       id.central_ca_file});
  if (!inserted) return std::unexpected(inserted.error());
  return {};
}

Result<std::int64_t> next_request_counter(store::Database& db) {
  return store::with_write_transaction<std::int64_t>(db, [](store::Connection& c) -> Result<std::int64_t> {
    auto updated = c.execute("UPDATE station_identity SET request_counter = request_counter + 1 WHERE id = 1");
    if (!updated) return std::unexpected(updated.error());
    if (updated->rows_affected != 1) return failed_precondition("this station is not provisioned");
    auto rows = c.execute("SELECT request_counter FROM station_identity WHERE id = 1");
    if (!rows) return std::unexpected(rows.error());
    return rows->rows[0].integer(0);
  });
}

Status save_pull_cursors(store::Database& db, std::int64_t persons_cursor_ms, std::int64_t families_cursor_ms) {
  auto done = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    auto updated = c.execute(
        "UPDATE station_identity SET persons_cursor_ms = $1, families_cursor_ms = $2 WHERE id = 1",
        {persons_cursor_ms, families_cursor_ms});
    if (!updated) return std::unexpected(updated.error());
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace ektp::sync
