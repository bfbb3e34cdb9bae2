// Residents' reports of reads they do not recognise (resident/read_reports.h).
#include "resident/read_reports.h"

#include <fmt/format.h>

#include "access/audit_log.h"
#include "resident/resident_limits.h"
#include "resident/resident_reads.h"

namespace ektp::resident {
namespace {

constexpr std::string_view kReportColumns =
    "r.id, r.nik, r.audit_seq, r.note, r.status, r.created_at_ms, r.resolved_by, r.resolution, r.resolved_at_ms, "
    "COALESCE(a.at_ms, 0), COALESCE(a.actor, ''), COALESCE(a.action, ''), COALESCE(a.detail, '')";

// Text a person typed: no control characters but tab and line breaks (so it shows as written).
// JSON strings are valid UTF-8 already (Boost.JSON checks): characters are the bytes that do not
// continue one.
Status validate_text(std::string_view field, std::string_view text, std::size_t chars_max, bool required) {
  if (required && text.empty()) return invalid_argument(fmt::format("{}: is required", field));
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80 ? 1 : 0;
  if (chars > chars_max) return invalid_argument(fmt::format("{}: at most {} characters", field, chars_max));
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      return invalid_argument(fmt::format("{}: control characters are not allowed", field));
    }
  }
  return {};
}

Result<ReadReport> report_of_row(const store::Row& row) {
  ReadReport r;
  r.id = row.integer(0);
  r.nik = row.text(1);
  r.audit_seq = row.integer(2);
  r.note = row.text(3);
  EKTP_ASSIGN_OR_RETURN(r.status, parse_report_status(row.text(4)));
  r.created_at_ms = row.integer(5);
  r.resolved_by = row.text(6);
  r.resolution = row.text(7);
  r.resolved_at_ms = row.integer(8);
  r.read_at_ms = row.integer(9);
  r.read_actor = row.text(10);
  r.read_action = row.text(11);
  r.read_detail = row.text(12);
  return r;
}

Result<ReadReport> load_report(store::Connection& db, std::int64_t id) {
  EKTP_ASSIGN_OR_RETURN(auto rows, db.execute(fmt::format("SELECT {} FROM resident_read_reports r "
                                                          "LEFT JOIN audit_log a ON a.seq = r.audit_seq WHERE r.id = $1",
                                                          kReportColumns),
                                              {id}));
  if (rows.rows.empty()) {
    return refusal(ErrorCode::kNotFound, std::string(resident_reason::kReportUnknown),
                   fmt::format("no report {} of a read", id));
  }
  return report_of_row(rows.rows.front());
}

}  // namespace

std::string_view report_status_id(ReportStatus status) {
  return status == ReportStatus::kResolved ? "resolved" : "open";
}

Result<ReportStatus> parse_report_status(std::string_view id) {
  if (id == "open") return ReportStatus::kOpen;
  if (id == "resolved") return ReportStatus::kResolved;
  return invalid_argument("status: open or resolved");
}

Result<ReadReport> report_read(store::Database& db, std::string_view nik, std::int64_t seq, std::string_view note,
                               std::int64_t at_ms) {
  if (seq <= 0) return invalid_argument("seq: the number of an audit entry");
  EKTP_RETURN_IF_ERROR(validate_text("note", note, resident_limits::note_chars_max, false));
  const std::string resident(nik);
  return store::with_write_transaction<ReadReport>(db, [&](store::Connection& c) -> Result<ReadReport> {
    EKTP_ASSIGN_OR_RETURN(const ReadEntry read, read_entry_of(c, resident, seq));
    EKTP_ASSIGN_OR_RETURN(auto earlier, c.execute("SELECT id FROM resident_read_reports WHERE nik = $1 AND audit_seq = $2",
                                                  {resident, seq}));
    if (!earlier.rows.empty()) {
      return refusal(ErrorCode::kAlreadyExists, std::string(resident_reason::kReadReported),
                     fmt::format("seq: this read was reported already (report {})", earlier.rows.front().integer(0)));
    }
    EKTP_ASSIGN_OR_RETURN(auto inserted, c.execute("INSERT INTO resident_read_reports (nik, audit_seq, note, status, "
                                                   "created_at_ms) VALUES ($1, $2, $3, 'open', $4) RETURNING id",
                                                   {resident, seq, std::string(note), at_ms}));
    if (inserted.rows.empty()) return make_error(ErrorCode::kInternal, "report insert returned no id");
    const std::int64_t id = inserted.rows.front().integer(0);
    EKTP_RETURN_IF_ERROR(access::append_audit(
        c, {at_ms, std::string(kResidentActorPrefix) + resident, "resident.report", resident,
            fmt::format("report {}: read {} ({} by {})", id, seq, read.action, read.actor)}));
    return load_report(c, id);
  });
}

Result<std::vector<ReadReport>> list_reports(store::Connection& db, std::optional<ReportStatus> status,
                                             std::size_t limit) {
  if (limit < 1 || limit > resident_limits::reports_listed_max) {
    return invalid_argument(fmt::format("limit: 1 to {}", resident_limits::reports_listed_max));
  }
  std::vector<store::Value> params{static_cast<std::int64_t>(limit)};
  std::string where;
  if (status) {
    params.emplace_back(std::string(report_status_id(*status)));
    where = "WHERE r.status = $2 ";
  }
  EKTP_ASSIGN_OR_RETURN(auto rows, db.execute(fmt::format("SELECT {} FROM resident_read_reports r "
                                                          "LEFT JOIN audit_log a ON a.seq = r.audit_seq {}"
                                                          "ORDER BY r.id DESC LIMIT $1",
                                                          kReportColumns, where),
                                              params));
  std::vector<ReadReport> out;
  out.reserve(rows.rows.size());
  for (const auto& row : rows.rows) {
    EKTP_ASSIGN_OR_RETURN(auto report, report_of_row(row));
    out.push_back(std::move(report));
  }
  return out;
}

Result<ReadReport> resolve_report(store::Database& db, std::int64_t id, std::string_view by,
                                  std::string_view resolution, std::int64_t at_ms) {
  if (by.empty()) return invalid_argument("resolved_by: who resolves the report");
  EKTP_RETURN_IF_ERROR(validate_text("resolution", resolution, resident_limits::resolution_chars_max, true));
  return store::with_write_transaction<ReadReport>(db, [&](store::Connection& c) -> Result<ReadReport> {
    EKTP_ASSIGN_OR_RETURN(const ReadReport report, load_report(c, id));
    if (report.status == ReportStatus::kResolved) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(resident_reason::kReportResolved),
                     fmt::format("report {} was resolved already by {}", id, report.resolved_by));
    }
    EKTP_RETURN_IF_ERROR(c.execute("UPDATE resident_read_reports SET status = 'resolved', resolved_by = $2, "
                                   "resolution = $3, resolved_at_ms = $4 WHERE id = $1",
                                   {id, std::string(by), std::string(resolution), at_ms}));
    EKTP_RETURN_IF_ERROR(access::append_audit(
        c, {at_ms, std::string(by), "resident_report.resolve", report.nik,
            fmt::format("report {}: read {}", id, report.audit_seq)}));
    return load_report(c, id);
  });
}

}  // namespace ektp::resident
