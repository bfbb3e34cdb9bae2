#include "card/print_queue.h"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "access/audit_log.h"
#include "registry/enrollment_store.h"
#include "registry/person_store.h"

namespace ektp::card {

namespace {

constexpr std::array<std::pair<PrintReason, std::string_view>, 4> kReasons = {{
    {PrintReason::kFirst, "first"},
    {PrintReason::kLost, "lost"},
    {PrintReason::kDamaged, "damaged"},
    {PrintReason::kChangedData, "changed_data"},
}};
constexpr std::array<std::string_view, 4> kUrgentReasons = {"elderly", "disabled", "medical", "hajj"};
constexpr std::size_t kDetailBytesMax = 200;
constexpr int kPrintAttempts = 20;  // two printers racing for the same request retry

constexpr std::string_view kRequestColumns =
    "id, nik, office_code, reason, detail, urgent_reason, status, requested_at_ms, requested_by, enrollment_id, "
    "blanko_serial, printed_at_ms, printed_by, collected_at_ms, collected_by, collection_method, revoked_at_ms, "
    "revoked_reason";
// Print order: urgent first, then first-time cards, then request time.
constexpr std::string_view kPrintOrder =
    "ORDER BY CASE WHEN urgent_reason <> '' THEN 0 ELSE 1 END, CASE WHEN reason = 'first' THEN 0 ELSE 1 END, "
    "requested_at_ms, id";

PrintStatus parse_status(std::string_view id) {
  if (id == "printed") return PrintStatus::kPrinted;
  if (id == "collected") return PrintStatus::kCollected;
  if (id == "cancelled") return PrintStatus::kCancelled;
  return PrintStatus::kWaiting;
}

PrintRequest request_of(const store::Row& r) {
  PrintRequest p;
  p.id = r.integer(0);
  p.nik = r.text(1);
  p.office = r.text(2);
  p.reason = parse_print_reason(r.text(3)).value_or(PrintReason::kFirst);
  p.detail = r.text(4);
  p.urgent_reason = r.text(5);
  p.status = parse_status(r.text(6));
  p.requested_at_ms = r.integer(7);
  p.requested_by = r.text(8);
  p.enrollment_id = r.text(9);
  p.blanko_serial = r.integer(10);
  p.printed_at_ms = r.integer(11);
  p.printed_by = r.text(12);
  p.collected_at_ms = r.integer(13);
  p.collected_by = r.text(14);
  p.collection_method = r.text(15);
  p.revoked_at_ms = r.integer(16);
  p.revoked_reason = r.text(17);
  return p;
}

Result<std::optional<PrintRequest>> next_waiting(store::Connection& db, std::string_view office) {
  auto rows = db.execute(fmt::format("SELECT {} FROM print_requests WHERE office_code = $1 AND status = 'waiting' {} "
                                     "LIMIT 1",
                                     kRequestColumns, kPrintOrder),
                         {std::string(office)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<PrintRequest>();
  return std::optional<PrintRequest>(request_of(rows->rows.front()));
}

}  // namespace

std::string_view print_reason_id(PrintReason reason) {
  for (const auto& [r, id] : kReasons) {
    if (r == reason) return id;
  }
  return "first";
}

Result<PrintReason> parse_print_reason(std::string_view id) {
  for (const auto& [r, name] : kReasons) {
    if (name == id) return r;
  }
  return invalid_argument(fmt::format("reason '{}': first, lost, damaged or changed_data", id.substr(0, 40)));
}

std::string_view print_status_id(PrintStatus status) {
  switch (status) {
    case PrintStatus::kWaiting: return "waiting";
    case PrintStatus::kPrinted: return "printed";
    case PrintStatus::kCollected: return "collected";
    case PrintStatus::kCancelled: return "cancelled";
  }
  return "waiting";
}

Status validate_urgent_reason(std::string_view reason) {
  if (reason.empty()) return {};
  for (auto known : kUrgentReasons) {
    if (reason == known) return {};
  }
  return invalid_argument(fmt::format("urgent_reason '{}': elderly, disabled, medical or hajj", reason.substr(0, 40)));
}

Result<std::string> printing_office_of(store::Connection& db, std::string_view village_code) {
  if (village_code.size() < 6) return invalid_argument("village code: 10 digits");
  const std::string kecamatan(village_code.substr(0, 6));
  auto prints = db.execute("SELECT 1 FROM printing_offices WHERE office_code = $1", {kecamatan});
  if (!prints) return std::unexpected(prints.error());
  return prints->rows.empty() ? std::string(village_code.substr(0, 4)) : kecamatan;
}

Result<std::int64_t> queue_ready_to_print(store::Database& database, std::int64_t now_ms) {
  return store::with_write_transaction<std::int64_t>(database, [&](store::Connection& db) -> Result<std::int64_t> {
    // Ready since the siap cetak entry of the timeline; one request per person however many
    // enrollments they have.
    auto queued = db.execute(
        "INSERT INTO print_requests (nik, office_code, reason, status, requested_at_ms, requested_by, enrollment_id) "
        "SELECT e.nik, CASE WHEN MIN(o.office_code) IS NOT NULL THEN substr(MIN(p.village_code), 1, 6) "
        "ELSE substr(MIN(p.village_code), 1, 4) END, 'first', 'waiting', MIN(COALESCE(t.at_ms, $1)), 'system', "
        "MIN(e.enrollment_id) FROM enrollments e JOIN persons p ON p.nik = e.nik "
        // Printed by the resident's kecamatan when it prints (card/printing_offices.h), else the Dinas.
        "LEFT JOIN printing_offices o ON o.office_code = substr(p.village_code, 1, 6) "
        "LEFT JOIN status_timeline t ON t.enrollment_id = e.enrollment_id AND t.status = 'siap_cetak' "
        "WHERE e.status = 'siap_cetak' AND p.alive = 1 AND NOT EXISTS (SELECT 1 FROM print_requests r WHERE r.nik = e.nik) "
        "GROUP BY e.nik",
        {now_ms});
    if (!queued) return std::unexpected(queued.error());
    if (queued->rows_affected > 0) {
      EKTP_RETURN_IF_ERROR(access::append_audit(
          db, {now_ms, "system", "card.queue_first", "", fmt::format("{} first-card requests", queued->rows_affected)}));
    }
    return queued->rows_affected;
  });
}

Result<PrintRequest> request_replacement(store::Database& database, const ReplacementRequest& request,
                                         std::string_view actor, std::int64_t now_ms) {
  if (request.reason == PrintReason::kFirst) {
    return invalid_argument("reason: a replacement is lost, damaged or changed_data (a first card comes from enrollment)");
  }
  if (request.detail.empty() || request.detail.size() > kDetailBytesMax) {
    return invalid_argument(request.reason == PrintReason::kLost
                                ? fmt::format("detail: the police report number of the lost card (1 to {} bytes)", kDetailBytesMax)
                                : fmt::format("detail: what was damaged or changed (1 to {} bytes)", kDetailBytesMax));
  }
  EKTP_RETURN_IF_ERROR(validate_urgent_reason(request.urgent_reason));
  if (request.nik.size() != 16) return invalid_argument("nik: 16 digits");
  return store::with_write_transaction<PrintRequest>(database, [&](store::Connection& db) -> Result<PrintRequest> {
    EKTP_ASSIGN_OR_RETURN(auto person, registry::load_person(db, request.nik));
    auto open = db.execute("SELECT id, status FROM print_requests WHERE nik = $1 AND status = 'waiting'", {request.nik});
    if (!open) return std::unexpected(open.error());
    if (!open->rows.empty()) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(stock_reason::kAlreadyWaiting),
                     fmt::format("NIK {} already waits in the print queue (request {})", request.nik,
                                 open->rows.front().integer(0)));
    }
    if (!person.card_printed) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(stock_reason::kNoCardYet),
                     fmt::format("NIK {} never had a card printed: a first card comes from enrollment", request.nik));
    }
    EKTP_ASSIGN_OR_RETURN(auto office, printing_office_of(db, person.address.village_code));
    auto inserted = db.execute(
        "INSERT INTO print_requests (nik, office_code, reason, detail, urgent_reason, status, requested_at_ms, "
        "requested_by) VALUES ($1,$2,$3,$4,$5,'waiting',$6,$7) RETURNING id",
        {request.nik, office, std::string(print_reason_id(request.reason)),
         request.detail, request.urgent_reason, now_ms, std::string(actor)});
    if (!inserted) return std::unexpected(inserted.error());
    const std::int64_t id = inserted->rows.front().integer(0);
    if (request.reason == PrintReason::kLost || request.reason == PrintReason::kDamaged) {
      auto revoked = db.execute(
          "UPDATE print_requests SET revoked_at_ms = $2, revoked_reason = $3 WHERE nik = $1 AND "
          "status IN ('printed', 'collected') AND revoked_at_ms = 0",
          {request.nik, now_ms, std::string(print_reason_id(request.reason))});
      if (!revoked) return std::unexpected(revoked.error());
    }
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {now_ms, std::string(actor), "card.request_replacement", request.nik,
             fmt::format("request {} {}", id, print_reason_id(request.reason))}));
    return load_print_request(db, id);
  });
}

Status mark_urgent(store::Database& database, std::int64_t request_id, std::string_view urgent_reason,
                   std::string_view actor, std::int64_t now_ms) {
  if (urgent_reason.empty()) return invalid_argument("urgent_reason is required: elderly, disabled, medical or hajj");
  EKTP_RETURN_IF_ERROR(validate_urgent_reason(urgent_reason));
  auto done = store::with_write_transaction<bool>(database, [&](store::Connection& db) -> Result<bool> {
    auto updated = db.execute("UPDATE print_requests SET urgent_reason = $1 WHERE id = $2 AND status = 'waiting'",
                              {std::string(urgent_reason), request_id});
    if (!updated) return std::unexpected(updated.error());
    if (updated->rows_affected != 1) {
      return make_error(ErrorCode::kFailedPrecondition, fmt::format("print request {} is not waiting", request_id));
    }
    EKTP_RETURN_IF_ERROR(access::append_audit(db, {now_ms, std::string(actor), "card.mark_urgent",
                                                   std::to_string(request_id), std::string(urgent_reason)}));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<std::vector<PrintRequest>> waiting_requests(store::Connection& db, std::string_view office, std::size_t limit) {
  auto rows = db.execute(fmt::format("SELECT {} FROM print_requests WHERE office_code = $1 AND status = 'waiting' {} "
                                     "LIMIT $2",
                                     kRequestColumns, kPrintOrder),
                         {std::string(office), static_cast<std::int64_t>(limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<PrintRequest> out;
  for (const auto& r : rows->rows) out.push_back(request_of(r));
  return out;
}

Result<PrintRequest> load_print_request(store::Connection& db, std::int64_t id) {
  auto rows = db.execute(fmt::format("SELECT {} FROM print_requests WHERE id = $1", kRequestColumns), {id});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return not_found(fmt::format("no print request {}", id));
  return request_of(rows->rows.front());
}

Result<std::vector<PrintRequest>> print_requests_of(store::Connection& db, std::string_view nik) {
  auto rows = db.execute(
      fmt::format("SELECT {} FROM print_requests WHERE nik = $1 ORDER BY requested_at_ms DESC, id DESC LIMIT 50",
                  kRequestColumns),
      {std::string(nik)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<PrintRequest> out;
  for (const auto& r : rows->rows) out.push_back(request_of(r));
  return out;
}

Result<PrintRequest> print_next(store::Database& database, const StockChange& printer) {
  EKTP_RETURN_IF_ERROR(validate_office_code(printer.office));
  return store::with_write_transaction<PrintRequest>(
      database,
      [&](store::Connection& db) -> Result<PrintRequest> {
        EKTP_ASSIGN_OR_RETURN(auto serial, lowest_on_hand(db, printer.office));
        if (!serial) {
          return refusal(ErrorCode::kFailedPrecondition, std::string(stock_reason::kNoBlanko),
                         fmt::format("no blanko on hand at {}: nothing can be printed until a delivery arrives",
                                     printer.office));
        }
        EKTP_ASSIGN_OR_RETURN(auto next, next_waiting(db, printer.office));
        if (!next) {
          return refusal(ErrorCode::kFailedPrecondition, std::string(stock_reason::kQueueEmpty),
                         fmt::format("no print request waits at {}", printer.office));
        }
        auto taken = db.execute(
            "UPDATE print_requests SET status = 'printed', blanko_serial = $2, printed_at_ms = $3, printed_by = $4 "
            "WHERE id = $1 AND status = 'waiting'",
            {next->id, *serial, printer.at_ms, printer.actor});
        if (!taken) return std::unexpected(taken.error());
        // Another printer took this request first: start again with the next one.
        if (taken->rows_affected != 1) return make_error(ErrorCode::kAborted, "the request was taken meanwhile");
        EKTP_RETURN_IF_ERROR(use_blanko(db, printer, *serial, next->id));
        if (!next->enrollment_id.empty()) {
          EKTP_RETURN_IF_ERROR(registry::set_enrollment_status(db, next->enrollment_id, registry::EnrollmentStatus::kPrinted,
                                                               printer.at_ms, fmt::format("blanko {}", *serial)));
        }
        auto marked = db.execute("UPDATE persons SET card_printed = 1 WHERE nik = $1", {next->nik});
        if (!marked) return std::unexpected(marked.error());
        EKTP_RETURN_IF_ERROR(access::append_audit(db, {printer.at_ms, printer.actor, "card.print", next->nik,
                                                       fmt::format("request {} blanko {}", next->id, *serial)}));
        return load_print_request(db, next->id);
      },
      kPrintAttempts);
}

Status spoil_print(store::Database& database, std::int64_t request_id, std::string_view reason, std::string_view actor,
                   std::int64_t now_ms) {
  if (reason.empty() || reason.size() > kDetailBytesMax) {
    return invalid_argument(fmt::format("reason: why the print is spoiled (1 to {} bytes)", kDetailBytesMax));
  }
  auto done = store::with_write_transaction<bool>(database, [&](store::Connection& db) -> Result<bool> {
    EKTP_ASSIGN_OR_RETURN(auto request, load_print_request(db, request_id));
    if (request.status != PrintStatus::kPrinted) {
      return make_error(ErrorCode::kFailedPrecondition,
                        fmt::format("print request {} is {}, not printed", request_id, print_status_id(request.status)));
    }
    const StockChange change{request.office, std::string(actor), now_ms};
    EKTP_RETURN_IF_ERROR(spoil_printed_blanko(db, change, request.blanko_serial, request_id, reason));
    auto back = db.execute(
        "UPDATE print_requests SET status = 'waiting', blanko_serial = 0, printed_at_ms = 0, printed_by = '' "
        "WHERE id = $1 AND status = 'printed'",
        {request_id});
    if (!back) return std::unexpected(back.error());
    if (!request.enrollment_id.empty()) {
      // The resident never held that card: their timeline does not say dicetak.
      auto undone = db.execute("DELETE FROM status_timeline WHERE enrollment_id = $1 AND status = 'dicetak'",
                               {request.enrollment_id});
      if (!undone) return std::unexpected(undone.error());
      auto status = db.execute("UPDATE enrollments SET status = 'siap_cetak' WHERE enrollment_id = $1",
                               {request.enrollment_id});
      if (!status) return std::unexpected(status.error());
    }
    auto unmarked = db.execute(
        "UPDATE persons SET card_printed = 0 WHERE nik = $1 AND NOT EXISTS (SELECT 1 FROM print_requests r WHERE "
        "r.nik = $1 AND r.status IN ('printed', 'collected'))",
        {request.nik});
    if (!unmarked) return std::unexpected(unmarked.error());
    EKTP_RETURN_IF_ERROR(access::append_audit(db, {now_ms, std::string(actor), "card.print_spoiled", request.nik,
                                                   fmt::format("request {} blanko {}: {}", request_id,
                                                               request.blanko_serial, reason)}));
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace ektp::card
