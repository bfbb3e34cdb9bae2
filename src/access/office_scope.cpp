#include "access/office_scope.h"

#include <fmt/format.h>

namespace ektp::access {

bool is_office_scoped(Role role) { return role == Role::kOperator || role == Role::kSupervisor; }

Result<std::string> office_search_prefix(const Session& session) {
  if (!is_office_scoped(session.role)) return std::string();
  if (session.office_region.empty()) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("user {} has no office region; an administrator assigns one first", session.username));
  }
  return session.office_region;
}

Status check_office_covers(const Session& session, std::string_view village_code) {
  auto prefix = office_search_prefix(session);
  if (!prefix) return std::unexpected(prefix.error());
  if (!village_code.starts_with(*prefix)) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("resident lives outside office region {} of user {}", *prefix, session.username));
  }
  return {};
}

}  // namespace ektp::access
