// Allocation of NIK and KK serials: the next free number within a 12-digit prefix (district +
// date [+ sex offset]), inside the caller's write transaction so a rolled-back request frees it.
#pragma once

#include <string_view>

#include "store/database.h"

namespace ektp::registry {

// 1..9999; kResourceExhausted once the prefix has used all 9999, or reaches the serials leased
// to stations in that district (leases take the top of the range).
Result<int> next_serial(store::Connection& db, std::string_view prefix);

}  // namespace ektp::registry
