// Who a user is to the system (SPEC §2, §9). Permissions follow from the role.
#pragma once

#include <string_view>

#include "core/error.h"

namespace ektp {

enum class Role { kOperator, kSupervisor, kAdjudicator, kAdmin, kAgency, kResident };

std::string_view role_id(Role role);
Result<Role> parse_role(std::string_view id);

// Registry permissions. A supervisor can do everything an operator can.
bool can_read_persons(Role role);
bool can_record_events(Role role);
// Marriages also come from a marriage office (KUA) under its agreement (agency/agency_registry.h).
bool can_record_marriages(Role role);
bool can_approve_corrections(Role role);
bool can_manage_users(Role role);
// Stations and sync conflicts: supervisors and admins oversee them.
bool can_oversee_stations(Role role);
// Card production (blanko stock, the print queue, printing): supervisors and admins, a supervisor
// only for the offices of their own region (api/card_routes.h).
bool can_manage_cards(Role role);
// Deciding fingerprint duplicate candidates (both halves of the two-person rule): adjudicators
// only. Separation of duties: an admin, who creates accounts, does not also decide.
bool can_adjudicate(Role role);
// Reading adjudication cases and the enrollment images beside them: adjudicators, and admins
// who oversee them.
bool can_read_adjudication(Role role);

}  // namespace ektp
