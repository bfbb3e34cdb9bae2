// Which residents a member of staff may see. Operators and supervisors work for an office (a
// kecamatan or a Dinas kabupaten/kota) and see only the residents whose address lies in its
// region; adjudicators and administrators work nationally. A scoped role without an office
// region sees nobody: an account is given its office before it is used.
#pragma once

#include <string>
#include <string_view>

#include "access/auth_service.h"
#include "core/error.h"

namespace ektp::access {

bool is_office_scoped(Role role);

// kPermissionDenied when `session` may not see a resident living in `village_code`.
Status check_office_covers(const Session& session, std::string_view village_code);

// The village-code prefix a search by `session` is limited to: "" for national roles.
// kPermissionDenied for a scoped role without an office region.
Result<std::string> office_search_prefix(const Session& session);

}  // namespace ektp::access
