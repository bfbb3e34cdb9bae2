#include "core/role.h"

#include <fmt/format.h>

namespace ektp {

std::string_view role_id(Role role) {
  switch (role) {
    case Role::kOperator: return "operator";
    case Role::kSupervisor: return "supervisor";
    case Role::kAdjudicator: return "adjudicator";
    case Role::kAdmin: return "admin";
    case Role::kAgency: return "agency";
    case Role::kResident: return "resident";
  }
  return "resident";
}

Result<Role> parse_role(std::string_view id) {
  for (auto role : {Role::kOperator, Role::kSupervisor, Role::kAdjudicator, Role::kAdmin,
                    Role::kAgency, Role::kResident}) {
    if (role_id(role) == id) return role;
  }
  return invalid_argument(fmt::format(
      "role '{}' is not one of: operator, supervisor, adjudicator, admin, agency, resident",
      id.substr(0, 40)));
}

bool can_read_persons(Role role) {
  return role == Role::kOperator || role == Role::kSupervisor || role == Role::kAdmin;
}
bool can_record_events(Role role) { return role == Role::kOperator || role == Role::kSupervisor; }
bool can_record_marriages(Role role) { return can_record_events(role) || role == Role::kAgency; }
bool can_approve_corrections(Role role) { return role == Role::kSupervisor; }
bool can_oversee_stations(Role role) { return role == Role::kSupervisor || role == Role::kAdmin; }
bool can_manage_users(Role role) { return role == Role::kAdmin; }
bool can_manage_cards(Role role) { return role == Role::kSupervisor || role == Role::kAdmin; }
bool can_adjudicate(Role role) { return role == Role::kAdjudicator; }
bool can_read_adjudication(Role role) { return role == Role::kAdjudicator || role == Role::kAdmin; }

}  // namespace ektp
