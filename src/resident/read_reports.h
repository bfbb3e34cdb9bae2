// A resident's report of a read they do not recognise: a case for the admin, naming the audit
// entry of the read and the resident's note, open until an admin resolves it with what they
// found. A resident reports only reads of their own data (resident/resident_reads.h), each once.
// Reporting is audited "resident.report" (by the resident), resolving "resident_report.resolve"
// (by the admin, subject the NIK), each in its own transaction.
// Thread-safety: free functions over a Database or a caller's Connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace ektp::resident {

enum class ReportStatus { kOpen, kResolved };
std::string_view report_status_id(ReportStatus status);  // "open", "resolved"
Result<ReportStatus> parse_report_status(std::string_view id);

struct ReadReport {
  std::int64_t id = 0;
  std::string nik;
  std::int64_t audit_seq = 0;
  std::string note;
  ReportStatus status = ReportStatus::kOpen;
  std::int64_t created_at_ms = 0;
  std::string resolved_by;
  std::string resolution;
  std::int64_t resolved_at_ms = 0;
  // The read it names, as the audit log holds it.
  std::int64_t read_at_ms = 0;
  std::string read_actor;
  std::string read_action;
  std::string read_detail;
};

// Opens a case. `note`: at most resident_limits::note_chars_max characters of text (may be empty; no
// control characters but line breaks). kNotFound (resident_read_not_yours) unless `seq` is a read
// of `nik`'s data; kAlreadyExists (resident_read_reported) when it was reported already.
Result<ReadReport> report_read(store::Database& db, std::string_view nik, std::int64_t seq, std::string_view note,
                               std::int64_t at_ms);

// Newest first, at most `limit` (1..resident_limits::reports_listed_max); all when no status.
Result<std::vector<ReadReport>> list_reports(store::Connection& db, std::optional<ReportStatus> status,
                                             std::size_t limit);

// The admin `by` resolves case `id` with `resolution` (1..resolution_chars_max characters).
// kNotFound (resident_report_unknown); kFailedPrecondition (resident_report_resolved) when it is
// resolved already.
Result<ReadReport> resolve_report(store::Database& db, std::int64_t id, std::string_view by,
                                  std::string_view resolution, std::int64_t at_ms);

}  // namespace ektp::resident
