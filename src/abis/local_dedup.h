// The station's own duplicate check: before an enrollment leaves the desk, its fingers are
// searched against the other enrollments stored at this station (same tables as central), so a
// person who enrolls twice under two NIKs at the same station is stopped there, offline, instead
// of days later at central. The small gallery is built from the database on each call (a station
// holds at most some thousands of enrollments: about 10 ms per thousand fingers to build).
// Enrollments of the same NIK and those already judged duplikat are left out.
// Thread-safety: reentrant; runs inside the caller's (read) transaction on one Connection.
#pragma once

#include <string>
#include <vector>

#include "abis/abis_parameters.h"
#include "abis/adjudication.h"
#include "core/error.h"
#include "registry/enrollment_store.h"
#include "store/database.h"

namespace ektp::abis {

struct LocalHit {
  std::string enrollment_id;  // the earlier enrollment at this station
  std::string nik;
  float score = 0;            // fused score, at or above the decision threshold
  int fingers_compared = 0;
  std::vector<FingerScore> finger_scores;
};

struct LocalCheckOptions {
  float threshold = parameters::dedup_decision_threshold;
  std::size_t hits_max = parameters::dedup_cases_per_enrollment_max;
  std::size_t enrollments_max = 50'000;  // more than a station holds; kResourceExhausted beyond
  int threads = 1;                       // stations are small machines shared with the desk
};

// Hits best first (empty: no duplicate here). kInvalidArgument for an enrollment without usable
// fingers or a bad NIK; kDataLoss for its own corrupt template. Stored enrollments whose templates
// do not decode are skipped (they were checked when saved).
Result<std::vector<LocalHit>> find_local_duplicates(store::Connection& db, const registry::Enrollment& enrollment,
                                                    const LocalCheckOptions& options = {});

}  // namespace ektp::abis
