// The gate every read of residents' data passes before it is answered: the caller's office must
// cover each resident, the caller's daily read quota must allow the reads, and their audit
// records must be committed. Refusals are audited too, and reading many residents in a short
// time raises an alert (an audit record "alert.bulk_read" and a warning in the log).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/api_services.h"
#include "api/http.h"

namespace ektp::api {

struct PersonRead {
  std::string nik;
  std::string village_code;  // where the resident lives: what the office scope is checked on
};

// kPermissionDenied outside the caller's office region; kResourceExhausted past the daily read
// quota; kUnavailable when the audit records cannot be written.
Status release_person_reads(ApiServices& s, const access::Session& session, std::string_view action,
                            const std::vector<PersonRead>& reads, std::string_view detail = "");

// The same checks, without waiting for the audit: the records the reads need, to be committed
// before the answer goes out (audited_response). Refusals are audited here.
Result<std::vector<access::AuditEntry>> person_read_entries(ApiServices& s, const access::Session& session,
                                                            std::string_view action,
                                                            const std::vector<PersonRead>& reads,
                                                            std::string_view detail = "");
// `response`, held back by the server until `entries` are committed (503 instead when they cannot
// be): the handler's thread does not wait for the commit.
HttpResponse audited_response(ApiServices& s, std::vector<access::AuditEntry> entries, HttpResponse response);

// The village-code prefix a search is limited to ("" for national roles, or on a station).
Result<std::string> search_scope(const ApiServices& s, const access::Session& session);

}  // namespace ektp::api
