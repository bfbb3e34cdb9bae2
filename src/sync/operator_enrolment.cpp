#include "sync/operator_enrolment.h"

#include <sodium.h>

#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "access/audit_log.h"
#include "access/sha256.h"

namespace ektp::sync {

namespace {

// Crockford's base32: no I, L, O or U to misread on paper.
constexpr std::string_view kCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string code_digest(std::string_view station_id, std::string_view username, std::string_view code) {
  return access::sha256_hex(fmt::format("{}\n{}\n{}", station_id, username, code));
}

std::unexpected<Error> code_wrong() {
  return refusal(ErrorCode::kUnauthenticated, std::string(enrolment_reason::kCodeWrong),
                 "the activation code is wrong, expired or already used");
}

// The user may be activated at the station: listed there, active, an operator or supervisor.
Result<std::string> station_operator_role(store::Connection& c, std::string_view station_id,
                                          std::string_view username) {
  auto rows = c.execute(
      "SELECT u.role, u.active FROM station_operators so JOIN users u ON u.username = so.username "
      "WHERE so.station_id = $1 AND so.username = $2",
      {std::string(station_id), std::string(username)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(enrolment_reason::kNotStationOperator),
                   fmt::format("'{}' is not an operator of station {}", username, station_id));
  }
  auto role = parse_role(rows->rows[0].text(0));
  if (!role || !can_record_events(*role) || rows->rows[0].integer(1) == 0) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(enrolment_reason::kNotStationOperator),
                   fmt::format("'{}' is not an active operator or supervisor", username));
  }
  return rows->rows[0].text(0);
}

}  // namespace

Result<std::string> normalise_operator_code(std::string_view code) {
  if (code.size() > 40) return code_wrong();
  std::string out;
  for (char ch : code) {
    if (ch == '-' || ch == ' ') continue;
    char c = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kCodeAlphabet.find(c) == std::string_view::npos) return code_wrong();
    out.push_back(c);
  }
  if (out.size() != operator_code_chars) return code_wrong();
  return out;
}

Result<OperatorCode> issue_operator_code(store::Database& db, std::string_view station_id,
                                         std::string_view username, std::string_view issued_by,
                                         std::int64_t now_ms) {
  if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "libsodium failed to initialise");
  std::string code;
  for (std::size_t i = 0; i < operator_code_chars; ++i) code.push_back(kCodeAlphabet[randombytes_uniform(32)]);
  OperatorCode out{std::string(station_id), std::string(username),
                   fmt::format("{}-{}-{}", code.substr(0, 4), code.substr(4, 4), code.substr(8)),
                   now_ms + operator_code_validity_ms};
  auto done = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    auto station = load_station(c, station_id);
    if (!station) return std::unexpected(station.error());
    if (station->status == "revoked") {
      return failed_precondition(fmt::format("station {} is revoked", station_id));
    }
    if (auto role = station_operator_role(c, station_id, username); !role) return std::unexpected(role.error());
    auto saved = c.execute(
        "INSERT INTO station_operator_codes (station_id, username, code_digest, issued_by, issued_at_ms, "
        "expires_at_ms, failed_tries, used_at_ms) VALUES ($1,$2,$3,$4,$5,$6,0,0) "
        "ON CONFLICT (station_id, username) DO UPDATE SET code_digest = $3, issued_by = $4, issued_at_ms = $5, "
        "expires_at_ms = $6, failed_tries = 0, used_at_ms = 0",
        {std::string(station_id), std::string(username), code_digest(station_id, username, code),
         std::string(issued_by), now_ms, out.expires_at_ms});
    if (!saved) return std::unexpected(saved.error());
    if (auto s = access::append_audit(c, {now_ms, std::string(issued_by), "station.operator_code",
                                            std::string(username), fmt::format("station {}", station_id)});
        !s) {
      return std::unexpected(s.error());
    }
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

Result<OperatorCredential> redeem_operator_code(store::Database& db, const StationRecord& station,
                                                std::string_view username, std::string_view code,
                                                std::int64_t now_ms) {
  const std::string actor = "station:" + station.station_id;
  auto normal = normalise_operator_code(code);
  // What the transaction found: a good code spends it; a wrong one counts a try, which must
  // commit even though the answer is a refusal.
  enum class Outcome { kGood, kWrong };
  OperatorCredential credential{std::string(username), "", true};
  auto outcome = store::with_write_transaction<Outcome>(db, [&](store::Connection& c) -> Result<Outcome> {
    auto rows = c.execute(
        "SELECT code_digest, expires_at_ms, failed_tries, used_at_ms FROM station_operator_codes "
        "WHERE station_id = $1 AND username = $2",
        {station.station_id, std::string(username)});
    if (!rows) return std::unexpected(rows.error());
    bool good = normal.has_value() && !rows->rows.empty();
    if (good) {
      const auto& r = rows->rows[0];
      const std::string stored = r.text(0);
      const std::string presented = code_digest(station.station_id, username, *normal);
      good = r.integer(3) == 0 && r.integer(1) > now_ms && r.integer(2) < operator_code_tries_max &&
             stored.size() == presented.size() &&
             sodium_memcmp(stored.data(), presented.data(), presented.size()) == 0;
    }
    if (good) {
      auto role = station_operator_role(c, station.station_id, username);
      if (!role) return std::unexpected(role.error());
      credential.role = *role;
      auto spent = c.execute(
          "UPDATE station_operator_codes SET used_at_ms = $3 WHERE station_id = $1 AND username = $2 "
          "AND used_at_ms = 0",
          {station.station_id, std::string(username), now_ms});
      if (!spent) return std::unexpected(spent.error());
      good = spent->rows_affected == 1;  // the same code redeemed twice at the same moment
    }
    if (!good && !rows->rows.empty()) {
      auto counted = c.execute(
          "UPDATE station_operator_codes SET failed_tries = failed_tries + 1 WHERE station_id = $1 AND username = $2",
          {station.station_id, std::string(username)});
      if (!counted) return std::unexpected(counted.error());
    }
    if (auto s = access::append_audit(c, {now_ms, actor, good ? "station.operator_activate" : "station.operator_activate_failed",
                                            std::string(username).substr(0, 64), ""});
        !s) {
      return std::unexpected(s.error());
    }
    return good ? Outcome::kGood : Outcome::kWrong;
  });
  if (!outcome) return std::unexpected(outcome.error());
  if (*outcome == Outcome::kWrong) return code_wrong();
  return credential;
}

Result<std::vector<OperatorCredential>> station_operator_roster(store::Connection& c, std::string_view station_id) {
  auto rows = c.execute(
      "SELECT u.username, u.role, u.active FROM station_operators so JOIN users u ON u.username = so.username "
      "WHERE so.station_id = $1 ORDER BY u.username",
      {std::string(station_id)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<OperatorCredential> out;
  for (const auto& r : rows->rows) {
    auto role = parse_role(r.text(1));
    out.push_back({r.text(0), r.text(1), r.integer(2) != 0 && role && can_record_events(*role)});
  }
  return out;
}

Result<std::vector<OperatorCredential>> station_operator_roster(store::Database& db, std::string_view station_id) {
  return store::with_read_transaction<std::vector<OperatorCredential>>(
      db, [&](store::Connection& c) { return station_operator_roster(c, station_id); });
}

Result<std::size_t> apply_operator_roster(store::Database& station_db, const std::vector<OperatorCredential>& roster,
                                          std::int64_t local_now_ms) {
  return store::with_write_transaction<std::size_t>(station_db, [&](store::Connection& c) -> Result<std::size_t> {
    std::size_t changed = 0;
    std::unordered_map<std::string, const OperatorCredential*> listed;
    for (const auto& op : roster) listed[op.username] = &op;
    // One account's new state, with its sessions revoked: made under an older role, or ended.
    auto update = [&](const std::string& username, std::string_view sql, std::vector<store::Value> params) -> Status {
      auto updated = c.execute(sql, std::move(params));
      if (!updated) return std::unexpected(updated.error());
      auto gone = c.execute("DELETE FROM sessions WHERE username = $1", {username});
      if (!gone) return std::unexpected(gone.error());
      ++changed;
      return {};
    };
    auto users = c.execute("SELECT username, role, active FROM users");
    if (!users) return std::unexpected(users.error());
    std::unordered_set<std::string> known;
    for (const auto& row : users->rows) {
      const std::string name = row.text(0);
      known.insert(name);
      const bool active = row.integer(2) != 0;
      auto it = listed.find(name);
      const OperatorCredential* op = it == listed.end() ? nullptr : it->second;
      Status s;
      if (op == nullptr || !op->active) {
        if (active) s = update(name, "UPDATE users SET active = 0 WHERE username = $1", {name});
      } else if (!active || row.text(1) != op->role) {
        s = update(name, "UPDATE users SET role = $2, active = 1 WHERE username = $1", {name, op->role});
      }
      if (!s) return std::unexpected(s.error());
    }
    for (const auto& op : roster) {
      if (!op.active || known.contains(op.username)) continue;
      auto added = c.execute(
          "INSERT INTO users (username, password_hash, role, created_at_ms) VALUES ($1, '', $2, $3)",
          {op.username, op.role, local_now_ms});
      if (!added) return std::unexpected(added.error());
      ++changed;
    }
    return changed;
  });
}

}  // namespace ektp::sync
