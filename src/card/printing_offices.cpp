#include "card/printing_offices.h"

#include <fmt/format.h>

#include "access/audit_log.h"

namespace ektp::card {

Status register_printing_office(store::Database& database, const StockChange& change) {
  EKTP_RETURN_IF_ERROR(validate_office_code(change.office));
  if (change.office.size() != 6) {
    return invalid_argument(fmt::format("office {}: a Dinas always prints; only a kecamatan (6 digits) is registered",
                                        change.office));
  }
  if (change.actor.empty()) return invalid_argument("actor: who registers the office");
  auto done = store::with_write_transaction<bool>(database, [&](store::Connection& db) -> Result<bool> {
    auto known = db.execute("SELECT since_ms FROM printing_offices WHERE office_code = $1", {change.office});
    if (!known) return std::unexpected(known.error());
    if (!known->rows.empty()) {
      return refusal(ErrorCode::kAlreadyExists, std::string(printing_reason::kAlreadyPrints),
                     fmt::format("kecamatan {} prints cards already", change.office));
    }
    auto inserted = db.execute("INSERT INTO printing_offices (office_code, registered_by, since_ms) VALUES ($1,$2,$3)",
                               {change.office, change.actor, change.at_ms});
    if (!inserted) return std::unexpected(inserted.error());
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {change.at_ms, change.actor, "card.printing_office", change.office, "prints its residents' cards"}));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<bool> office_prints(store::Connection& db, std::string_view office) {
  EKTP_RETURN_IF_ERROR(validate_office_code(office));
  if (office.size() == 4) return true;
  auto rows = db.execute("SELECT 1 FROM printing_offices WHERE office_code = $1", {std::string(office)});
  if (!rows) return std::unexpected(rows.error());
  return !rows->rows.empty();
}

}  // namespace ektp::card
