#include "bulk_matching/bulk_match_reads.h"

#include <fmt/format.h>

#include "access/sha256.h"

namespace ektp::bulk {

std::string reads_digest(const std::vector<BulkRead>& reads) {
  std::string text;
  for (const auto& r : reads) {
    text += r.nik;
    text += ',';
    text += r.row_id;
    text += ',';
    text += r.result;
    text += '\n';
  }
  return access::sha256_hex(text);
}

Result<std::int64_t> record_bulk_reads(store::Connection& db, access::AuditEntry entry, std::uint64_t chunk,
                                       const std::vector<BulkRead>& reads) {
  if (reads.empty()) return std::int64_t{0};
  entry.detail += fmt::format("; chunk {}: {} persons; reads sha256 {}", chunk, reads.size(), reads_digest(reads));
  EKTP_RETURN_IF_ERROR(access::append_audit(db, entry));
  EKTP_ASSIGN_OR_RETURN(const auto head, access::audit_chain_head(db));  // the entry just appended
  std::vector<std::vector<store::Value>> rows;
  rows.reserve(reads.size());
  for (const auto& r : reads) rows.push_back({head.seq, r.nik, r.row_id, r.result});
  EKTP_RETURN_IF_ERROR(db.insert_rows("bulk_match_reads", {"audit_seq", "nik", "row_id", "result"}, rows));
  return head.seq;
}

}  // namespace ektp::bulk
