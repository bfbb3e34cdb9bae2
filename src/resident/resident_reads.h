// Every read of one resident's data, from the audit log, as the resident is shown it: whose it
// was (an officer with their role and office, an agency by name and code, a station, the
// public), when, what kind of read, for which purpose and which fields. The entries are those
// whose subject is the resident's NIK or the serial of a chip made for them, except what the
// resident did on their own page (actor "resident:<NIK>", and the "resident.*" records of
// signing in). A read is listed once its record is in audit_log: the audit writer moves it there
// within about 100 ms (access/audit_log.h). Newest first, a page at a time.
// Thread-safety: free functions over a caller's Connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/region.h"
#include "resident/read_kinds.h"
#include "store/database.h"

namespace ektp::resident {

struct ReadWho {
  ActorType type = ActorType::kOfficer;
  std::string username;     // an officer's
  std::string role;         // their role where known ("operator"), else ""
  std::string office_code;  // their office's region code where known
  std::string office_name;  // its name ("Kabupaten Pemalang")
  std::string agency_code;  // an agency's
  std::string agency_name;  // "BPJS Kesehatan"; the code when the agency is not (any more) known
  std::string station_id;   // a station's
};

struct ResidentRead {
  std::int64_t seq = 0;  // the audit entry: what a report names
  std::int64_t at_ms = 0;
  std::string action;  // the audit action, "read_person", "agency.verify", …
  ReadKind kind = ReadKind::kOther;
  ReadWho who;
  std::string purpose;              // an agency's stated purpose, one of its agreement's
  std::string agreement;            // the agreement (PKS) number the call was made under
  std::vector<std::string> fields;  // the profile fields touched, where the record names them
  bool reported = false;            // the resident reported this read already
};

struct ReadsPage {
  std::vector<ResidentRead> reads;  // newest first
  std::int64_t next_before = 0;     // pass as before_seq for the next page; 0: no more
};

struct ReadsQuery {
  std::string nik;
  std::int64_t before_seq = 0;  // only entries older than this one; 0 = from the newest
  std::size_t limit = 50;       // 1..resident_limits::reads_page_max
};

// kInvalidArgument for a NIK that is not 16 digits, a limit outside 1..reads_page_max or a
// negative before_seq.
Result<ReadsPage> reads_of(store::Connection& db, const RegionDirectory& regions, const ReadsQuery& query);

// The audit entry `seq` when it is one reads_of lists for `nik`; kNotFound (reason
// resident_read_not_yours) otherwise, the same for an entry about someone else and for none.
struct ReadEntry {
  std::int64_t seq = 0;
  std::int64_t at_ms = 0;
  std::string actor;
  std::string action;
  std::string detail;
};
Result<ReadEntry> read_entry_of(store::Connection& db, std::string_view nik, std::int64_t seq);

}  // namespace ektp::resident
