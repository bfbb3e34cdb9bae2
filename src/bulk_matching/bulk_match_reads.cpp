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

Result<BulkReadsVerification> verify_bulk_reads(store::Database& database) {
  return store::with_read_transaction<BulkReadsVerification>(database, [](store::Connection& db) -> Result<BulkReadsVerification> {
    BulkReadsVerification out;
    constexpr std::size_t kBrokenListed = 100;
    constexpr std::string_view kPersons = " persons; reads sha256 ";
    std::int64_t after = 0;
    for (;;) {
      EKTP_ASSIGN_OR_RETURN(auto entries, db.execute("SELECT seq, detail FROM audit_log WHERE action = 'agency.bulk_match' "
                                                     "AND seq > $1 ORDER BY seq LIMIT 1000",
                                                     {after}));
      if (entries.rows.empty()) break;
      for (const auto& entry : entries.rows) {
        after = entry.integer(0);
        const std::string detail = entry.text(1);
        const auto digest_at = detail.rfind(kPersons);
        const auto count_at = detail.rfind(": ", digest_at);
        if (digest_at == std::string::npos || count_at == std::string::npos) continue;  // not a chunk entry
        ++out.chunks;
        const std::string stated_digest = detail.substr(digest_at + kPersons.size(), 64);
        const std::string stated_count = detail.substr(count_at + 2, digest_at - count_at - 2);
        EKTP_ASSIGN_OR_RETURN(auto rows, db.execute("SELECT nik, row_id, result FROM bulk_match_reads WHERE audit_seq = $1 "
                                                    "ORDER BY id",
                                                    {after}));
        std::vector<BulkRead> reads;
        reads.reserve(rows.rows.size());
        for (const auto& r : rows.rows) reads.push_back({r.text(0), r.text(1), r.text(2)});
        out.reads += static_cast<std::int64_t>(reads.size());
        if (stated_count != std::to_string(reads.size()) || stated_digest != reads_digest(reads)) {
          if (out.broken_chunks.size() < kBrokenListed) out.broken_chunks.push_back(after);
        }
      }
    }
    EKTP_ASSIGN_OR_RETURN(auto stray, db.execute("SELECT COUNT(*) FROM bulk_match_reads r LEFT JOIN audit_log a "
                                                 "ON a.seq = r.audit_seq AND a.action = 'agency.bulk_match' "
                                                 "WHERE a.seq IS NULL"));
    out.stray_reads = stray.rows.front().integer(0);
    return out;
  });
}

}  // namespace ektp::bulk
