// Bulk matching (pemadanan) over HTTP (docs/api.md, "Bulk matching"): with its API key, an agency
// whose agreement in force includes bulk_match creates a job for a file it names by size and
// SHA-256, uploads the file in pieces of at most 8 MiB (resumable: each piece says its offset, a
// lost answer is found out from the job's received_bytes), and once the last byte is in and the
// digest and header check out the job is queued for the background worker
// (bulk_matching/bulk_job_worker.h). The agency reads its jobs' progress (rows, rows per second,
// time left), the summary, and the result file in pieces. Another agency's job reads as unknown.
#pragma once

#include <cstdint>

#include "api/api_services.h"
#include "api/http.h"

namespace ektp::api {

inline constexpr std::size_t kBulkUploadPieceBytesMax = 8 << 20;
inline constexpr std::size_t kBulkResultPieceBytesMax = 32 << 20;

// Is `target` an upload of a bulk-matching file (a body up to kBulkUploadPieceBytesMax)?
bool is_bulk_upload_target(std::string_view target);
// May this request (its headers only) send a large body: a valid agency key whose agreement
// includes bulk_match.
bool bulk_upload_allowed(ApiServices& s, const HttpRequest& headers_only);

// The routes answer 503 bulk_matching_unavailable when services.bulk_files is not set.
void add_bulk_match_routes(class Router& router, ApiServices& services);

}  // namespace ektp::api
