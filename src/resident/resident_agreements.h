// The agency agreements (PKS) that cover one resident: of each agency, the agreement in force now
// (agency::agreement_in_force) when its regions include the village the resident lives in. What
// the resident is shown of it: the agency, the number, the purposes, the fields it may verify and
// receive, the operations, the validity — no quota, no keys. Thread-safety: a free function over
// a caller's Connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace ektp::resident {

struct CoveringAgreement {
  std::string agency_code;
  std::string agency_name;
  std::string agency_kind;  // agency::agency_kind_id
  std::string number;
  std::vector<std::string> purposes;
  std::vector<std::string> verify_fields;    // in the order of agency::profile_fields()
  std::vector<std::string> retrieve_fields;  // the same, "family" last
  std::vector<std::string> operations;
  std::int64_t valid_from_ms = 0;
  std::int64_t valid_until_ms = 0;  // exclusive
};

// By agency code. kNotFound when the register has no resident `nik`.
Result<std::vector<CoveringAgreement>> agreements_covering(store::Connection& db, std::string_view nik,
                                                           std::int64_t now_ms);

}  // namespace ektp::resident
