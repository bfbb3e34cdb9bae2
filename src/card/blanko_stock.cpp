#include "card/blanko_stock.h"

#include <fmt/format.h>

#include "access/audit_log.h"
#include "card/announced_deliveries.h"

namespace ektp::card {

namespace {

constexpr std::size_t kReasonBytesMax = 500;
constexpr std::size_t kMismatchesShown = 20;

Status check_change(const StockChange& change) {
  EKTP_RETURN_IF_ERROR(validate_office_code(change.office));
  if (change.actor.empty() || change.actor.size() > 64) return invalid_argument("actor: the username of who moves the stock");
  return {};
}

Status check_text(std::string_view what, std::string_view text, bool required) {
  if (required && text.empty()) {
    return refusal(ErrorCode::kInvalidArgument, std::string(stock_reason::kReasonRequired),
                   fmt::format("{} is required", what));
  }
  if (text.size() > kReasonBytesMax) return invalid_argument(fmt::format("{}: at most {} bytes", what, kReasonBytesMax));
  return {};
}

Result<std::int64_t> append_movement(store::Connection& db, const Movement& m) {
  auto inserted = db.execute(
      "INSERT INTO blanko_movements (office_code, kind, first_serial, last_serial, counterpart, print_request, actor, "
      "reason, at_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING seq",
      {m.office, std::string(movement_kind_id(m.kind)), m.serials.first, m.serials.last, m.counterpart, m.print_request,
       m.actor, m.reason, m.at_ms});
  if (!inserted) return std::unexpected(inserted.error());
  const std::int64_t seq = inserted->rows.front().integer(0);
  EKTP_RETURN_IF_ERROR(access::append_audit(
      db, {m.at_ms, m.actor, fmt::format("blanko.{}", movement_kind_id(m.kind)), m.office,
           fmt::format("{}–{}{}{}", m.serials.first, m.serials.last, m.counterpart.empty() ? "" : " ", m.counterpart)}));
  return seq;
}

// Where one number is, in words (for refusals).
std::string where_is(store::Connection& db, std::int64_t serial) {
  auto row = db.execute("SELECT office_code, state FROM blanko_serials WHERE serial = $1", {serial});
  if (!row || row->rows.empty()) return "not in the ledger";
  return fmt::format("{} at {}", row->rows.front().text(1), row->rows.front().text(0));
}

// Moves the range's numbers from on hand at the change's office to `state` (and `office`):
// all of them or, naming the first that is not on hand there, none.
Status leave(store::Connection& db, const StockChange& change, const SerialRange& serials, std::string_view state,
             std::string_view to_office, std::int64_t seq) {
  auto known = db.execute("SELECT COUNT(*) FROM blanko_serials WHERE serial BETWEEN $1 AND $2",
                          {serials.first, serials.last});
  if (!known) return std::unexpected(known.error());
  if (known->rows.front().integer(0) < serials.count()) {
    return refusal(ErrorCode::kFailedPrecondition, std::string(stock_reason::kNeverReceived),
                   fmt::format("blanko {}–{}: some numbers were never received (outside the ledger's ranges)",
                               serials.first, serials.last));
  }
  auto elsewhere = db.execute(
      "SELECT MIN(serial) FROM blanko_serials WHERE serial BETWEEN $1 AND $2 AND NOT (office_code = $3 AND state = "
      "'on_hand')",
      {serials.first, serials.last, change.office});
  if (!elsewhere) return std::unexpected(elsewhere.error());
  if (!elsewhere->rows.front().is_null(0)) {
    const std::int64_t first = elsewhere->rows.front().integer(0);
    return refusal(ErrorCode::kFailedPrecondition, std::string(stock_reason::kNotOnHand),
                   fmt::format("blanko {} is not on hand at {} ({})", first, change.office, where_is(db, first)));
  }
  auto moved = db.execute(
      "UPDATE blanko_serials SET state = $1, office_code = $2, updated_seq = $3 "
      "WHERE office_code = $4 AND state = 'on_hand' AND serial BETWEEN $5 AND $6",
      {std::string(state), std::string(to_office), seq, change.office, serials.first, serials.last});
  if (!moved) return std::unexpected(moved.error());
  // A printer took one between the check and the update: the transaction starts again.
  if (moved->rows_affected != serials.count()) {
    return make_error(ErrorCode::kAborted, fmt::format("blanko {}–{} changed meanwhile", serials.first, serials.last));
  }
  return {};
}

// Contiguous runs of sorted numbers.
std::vector<SerialRange> runs_of(const std::vector<std::int64_t>& serials) {
  std::vector<SerialRange> runs;
  for (std::int64_t s : serials) {
    if (!runs.empty() && runs.back().last + 1 == s) {
      runs.back().last = s;
    } else {
      runs.push_back({s, s});
    }
  }
  return runs;
}

Movement movement_of(const store::Row& r) {
  Movement m;
  m.seq = r.integer(0);
  m.office = r.text(1);
  m.kind = parse_movement_kind(r.text(2)).value_or(MovementKind::kReceived);
  m.serials = {r.integer(3), r.integer(4)};
  m.counterpart = r.text(5);
  m.print_request = r.integer(6);
  m.actor = r.text(7);
  m.reason = r.text(8);
  m.at_ms = r.integer(9);
  return m;
}

}  // namespace

Status receive_blanko(store::Database& database, const StockChange& change, const SerialRange& serials,
                      std::string_view allocation) {
  EKTP_RETURN_IF_ERROR(check_change(change));
  EKTP_RETURN_IF_ERROR(validate_range(serials));
  EKTP_RETURN_IF_ERROR(check_text("allocation", allocation, true));
  auto done = store::with_write_transaction<bool>(database, [&](store::Connection& db) -> Result<bool> {
    auto taken = db.execute("SELECT MIN(serial) FROM blanko_serials WHERE serial BETWEEN $1 AND $2",
                            {serials.first, serials.last});
    if (!taken) return std::unexpected(taken.error());
    if (!taken->rows.front().is_null(0)) {
      const std::int64_t first = taken->rows.front().integer(0);
      return refusal(ErrorCode::kAlreadyExists, std::string(stock_reason::kAlreadyReceived),
                     fmt::format("blanko {} is already in the ledger ({}): a number is received once", first,
                                 where_is(db, first)));
    }
    EKTP_ASSIGN_OR_RETURN(auto seq, append_movement(db, {0, change.office, MovementKind::kReceived, serials,
                                                         std::string(allocation), 0, change.actor, "", change.at_ms}));
    std::vector<std::vector<store::Value>> rows;
    rows.reserve(static_cast<std::size_t>(serials.count()));
    for (std::int64_t s = serials.first; s <= serials.last; ++s) {
      rows.push_back({s, change.office, std::string("on_hand"), seq});
    }
    EKTP_RETURN_IF_ERROR(db.insert_rows("blanko_serials", {"serial", "office_code", "state", "updated_seq"}, rows));
    EKTP_RETURN_IF_ERROR(mark_announcement_received(db, change.office, change.at_ms));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<std::vector<SerialRange>> transfer_blanko(store::Database& database, const StockChange& change,
                                                 std::string_view to, std::int64_t count) {
  EKTP_RETURN_IF_ERROR(check_change(change));
  EKTP_RETURN_IF_ERROR(validate_office_code(to));
  if (to == change.office) return invalid_argument("a transfer goes to another office");
  if (count < 1 || count > kRangeCountMax) {
    return invalid_argument(fmt::format("count: 1 to {} blanko in one transfer", kRangeCountMax));
  }
  return store::with_write_transaction<std::vector<SerialRange>>(
      database, [&](store::Connection& db) -> Result<std::vector<SerialRange>> {
        auto lowest = db.execute(
            "SELECT serial FROM blanko_serials WHERE office_code = $1 AND state = 'on_hand' ORDER BY serial LIMIT $2",
            {change.office, count});
        if (!lowest) return std::unexpected(lowest.error());
        if (static_cast<std::int64_t>(lowest->rows.size()) < count) {
          return refusal(ErrorCode::kFailedPrecondition, std::string(stock_reason::kShort),
                         fmt::format("{} holds {} blanko; {} cannot be transferred", change.office,
                                     lowest->rows.size(), count));
        }
        std::vector<std::int64_t> serials;
        for (const auto& r : lowest->rows) serials.push_back(r.integer(0));
        auto runs = runs_of(serials);
        for (const auto& run : runs) {
          EKTP_ASSIGN_OR_RETURN(auto out, append_movement(db, {0, change.office, MovementKind::kTransferOut, run,
                                                               std::string(to), 0, change.actor, "", change.at_ms}));
          EKTP_RETURN_IF_ERROR(leave(db, change, run, "on_hand", to, out));
          EKTP_ASSIGN_OR_RETURN(auto in, append_movement(db, {0, std::string(to), MovementKind::kTransferIn, run,
                                                              change.office, 0, change.actor, "", change.at_ms}));
          auto stamped = db.execute("UPDATE blanko_serials SET updated_seq = $1 WHERE serial BETWEEN $2 AND $3",
                                    {in, run.first, run.last});
          if (!stamped) return std::unexpected(stamped.error());
        }
        EKTP_RETURN_IF_ERROR(mark_announcement_received(db, to, change.at_ms));
        return runs;
      });
}

Status spoil_blanko(store::Database& database, const StockChange& change, std::int64_t serial,
                    std::string_view reason) {
  EKTP_RETURN_IF_ERROR(check_change(change));
  EKTP_RETURN_IF_ERROR(validate_range({serial, serial}));
  EKTP_RETURN_IF_ERROR(check_text("reason (why the blanko is spoiled)", reason, true));
  auto done = store::with_write_transaction<bool>(database, [&](store::Connection& db) -> Result<bool> {
    EKTP_ASSIGN_OR_RETURN(auto seq, append_movement(db, {0, change.office, MovementKind::kSpoiled, {serial, serial}, "",
                                                         0, change.actor, std::string(reason), change.at_ms}));
    EKTP_RETURN_IF_ERROR(leave(db, change, {serial, serial}, "spoiled", change.office, seq));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Status return_blanko(store::Database& database, const StockChange& change, const SerialRange& serials,
                     std::string_view reason) {
  EKTP_RETURN_IF_ERROR(check_change(change));
  EKTP_RETURN_IF_ERROR(validate_range(serials));
  EKTP_RETURN_IF_ERROR(check_text("reason", reason, false));
  auto done = store::with_write_transaction<bool>(database, [&](store::Connection& db) -> Result<bool> {
    EKTP_ASSIGN_OR_RETURN(auto seq, append_movement(db, {0, change.office, MovementKind::kReturned, serials, "", 0,
                                                         change.actor, std::string(reason), change.at_ms}));
    EKTP_RETURN_IF_ERROR(leave(db, change, serials, "returned", change.office, seq));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<std::optional<std::int64_t>> lowest_on_hand(store::Connection& db, std::string_view office) {
  auto row = db.execute(
      "SELECT serial FROM blanko_serials WHERE office_code = $1 AND state = 'on_hand' ORDER BY serial LIMIT 1",
      {std::string(office)});
  if (!row) return std::unexpected(row.error());
  if (row->rows.empty()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(row->rows.front().integer(0));
}

Status use_blanko(store::Connection& db, const StockChange& change, std::int64_t serial, std::int64_t print_request) {
  EKTP_ASSIGN_OR_RETURN(auto seq, append_movement(db, {0, change.office, MovementKind::kUsed, {serial, serial}, "",
                                                       print_request, change.actor, "", change.at_ms}));
  auto moved = db.execute(
      "UPDATE blanko_serials SET state = 'used', updated_seq = $1 "
      "WHERE serial = $2 AND office_code = $3 AND state = 'on_hand'",
      {seq, serial, change.office});
  if (!moved) return std::unexpected(moved.error());
  // Another printer took it first: the caller's transaction starts again.
  if (moved->rows_affected != 1) return make_error(ErrorCode::kAborted, fmt::format("blanko {} was taken meanwhile", serial));
  return {};
}

Status spoil_printed_blanko(store::Connection& db, const StockChange& change, std::int64_t serial,
                            std::int64_t print_request, std::string_view reason) {
  EKTP_RETURN_IF_ERROR(check_text("reason (why the print is spoiled)", reason, true));
  EKTP_ASSIGN_OR_RETURN(auto seq, append_movement(db, {0, change.office, MovementKind::kPrintSpoiled, {serial, serial},
                                                       "", print_request, change.actor, std::string(reason),
                                                       change.at_ms}));
  auto moved = db.execute(
      "UPDATE blanko_serials SET state = 'spoiled', updated_seq = $1 "
      "WHERE serial = $2 AND office_code = $3 AND state = 'used'",
      {seq, serial, change.office});
  if (!moved) return std::unexpected(moved.error());
  if (moved->rows_affected != 1) {
    return make_error(ErrorCode::kFailedPrecondition,
                      fmt::format("blanko {} is not a used blanko of {} ({})", serial, change.office, where_is(db, serial)));
  }
  return {};
}

Result<OfficeBalance> office_balance(store::Connection& db, std::string_view office) {
  auto rows = db.execute(
      "SELECT kind, SUM(last_serial - first_serial + 1) FROM blanko_movements WHERE office_code = $1 GROUP BY kind",
      {std::string(office)});
  if (!rows) return std::unexpected(rows.error());
  OfficeBalance b;
  for (const auto& r : rows->rows) {
    const std::int64_t n = r.integer(1);
    switch (parse_movement_kind(r.text(0)).value_or(MovementKind::kReceived)) {
      case MovementKind::kReceived: b.received += n; break;
      case MovementKind::kTransferIn: b.transferred_in += n; break;
      case MovementKind::kTransferOut: b.transferred_out += n; break;
      case MovementKind::kUsed: b.used += n; break;
      case MovementKind::kSpoiled: b.spoiled += n; break;
      case MovementKind::kReturned: b.returned += n; break;
      case MovementKind::kPrintSpoiled: b.used -= n; b.spoiled += n; break;
    }
  }
  return b;
}

Result<std::int64_t> on_hand_count(store::Connection& db, std::string_view office) {
  auto row = db.execute("SELECT COUNT(*) FROM blanko_serials WHERE office_code = $1 AND state = 'on_hand'",
                        {std::string(office)});
  if (!row) return std::unexpected(row.error());
  return row->rows.front().integer(0);
}

Result<std::vector<Movement>> load_movements(store::Connection& db, std::string_view office, std::size_t limit) {
  std::string sql =
      "SELECT seq, office_code, kind, first_serial, last_serial, counterpart, print_request, actor, reason, at_ms "
      "FROM blanko_movements";
  std::vector<store::Value> params;
  if (!office.empty()) {
    sql += " WHERE office_code = $1 ORDER BY seq DESC";
    params.push_back(std::string(office));
  } else {
    sql += " ORDER BY seq";
  }
  if (limit > 0) {
    sql += fmt::format(" LIMIT {}", limit);
  }
  auto rows = db.execute(sql, params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<Movement> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(movement_of(r));
  return out;
}

Result<StockVerification> verify_stock(store::Database& database) {
  return store::with_read_transaction<StockVerification>(
      database, [&](store::Connection& db) -> Result<StockVerification> {
        StockVerification v;
        EKTP_ASSIGN_OR_RETURN(auto movements, load_movements(db));
        v.replay = replay_ledger(movements);
        auto serials = db.execute("SELECT serial, office_code, state FROM blanko_serials ORDER BY serial");
        if (!serials) return std::unexpected(serials.error());
        const auto mismatch = [&](std::string what) {
          if (v.mismatches.size() < kMismatchesShown) v.mismatches.push_back(std::move(what));
        };
        std::map<std::string, std::int64_t> on_hand;
        for (const auto& r : serials->rows) {
          v.serials_checked += 1;
          const std::int64_t serial = r.integer(0);
          if (r.text(2) == "on_hand") on_hand[r.text(1)] += 1;
          auto it = v.replay.serials.find(serial);
          if (it == v.replay.serials.end()) {
            mismatch(fmt::format("blanko {} is {} at {} but the ledger never received it", serial, r.text(2), r.text(1)));
          } else if (it->second.office != r.text(1) || serial_state_id(it->second.state) != r.text(2)) {
            mismatch(fmt::format("blanko {} is {} at {} but the ledger says {} at {}", serial, r.text(2), r.text(1),
                                 serial_state_id(it->second.state), it->second.office));
          }
        }
        if (v.replay.consistent() && static_cast<std::size_t>(v.serials_checked) != v.replay.serials.size()) {
          mismatch(fmt::format("the ledger knows {} blanko, the stock table {}", v.replay.serials.size(),
                               v.serials_checked));
        }
        for (const auto& [office, balance] : v.replay.offices) {
          const std::int64_t counted = on_hand.contains(office) ? on_hand.at(office) : 0;
          if (balance.on_hand() != counted) {
            mismatch(fmt::format("{}: the ledger's balance is {} on hand, {} are on hand", office, balance.on_hand(),
                                 counted));
          }
        }
        return v;
      });
}

}  // namespace ektp::card
