// The reads of a bulk-matching job, recorded for the audit and for the residents (SPEC §9: every
// read of a person's data is logged, and the resident sees who looked and why).
//
// A job touches millions of persons; one hash-chained audit entry each (two SHA-256 digests and a
// detail of ~200 bytes, into an indexed table) was most of a job's time. Instead each chunk of
// rows appends ONE audit entry — actor `agency:<code>`, action `agency.bulk_match`, subject the
// agency, detail "agreement …; job … by …; purpose …; fields …; chunk N: P persons; reads sha256 H"
// — and one narrow row per person touched in bulk_match_reads (the entry's seq, NIK, row_id,
// result, in insertion order by id). H is the SHA-256 of the chunk's rows as "nik,row_id,result\n"
// lines in that order, so the chain still vouches for every read: a row added, dropped or changed
// there no longer hashes to what the chained entry says (reads_digest()).
// Thread-safety: free functions over the caller's Connection, inside its write transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "access/audit_log.h"
#include "core/error.h"
#include "store/database.h"

namespace ektp::bulk {

struct BulkRead {
  std::string nik;
  std::string row_id;  // the agency's, cut to 64 bytes
  std::string result;  // row_result_id
};

// The SHA-256 (hex) of `reads` as the chained entry states it.
std::string reads_digest(const std::vector<BulkRead>& reads);

// Appends the chunk's audit entry (`entry.detail` gets "; chunk N: P persons; reads sha256 H"
// appended) and its reads; returns the entry's seq. Nothing is written for an empty chunk (0).
Result<std::int64_t> record_bulk_reads(store::Connection& db, access::AuditEntry entry, std::uint64_t chunk,
                                       const std::vector<BulkRead>& reads);

// Checks every chunk entry against its reads (their count and digest) and that no read hangs
// under anything but a chunk entry; `ektp audit verify` runs it after the chain. A chunk whose
// reads were added to, cut or changed, and reads slipped in under another entry, are reported.
struct BulkReadsVerification {
  std::int64_t chunks = 0;  // chunk entries checked
  std::int64_t reads = 0;   // reads checked under them
  std::vector<std::int64_t> broken_chunks;  // seqs of chunk entries whose reads do not match (first 100)
  std::int64_t stray_reads = 0;             // reads under no chunk entry
  bool valid() const { return broken_chunks.empty() && stray_reads == 0; }
};
Result<BulkReadsVerification> verify_bulk_reads(store::Database& db);

}  // namespace ektp::bulk
