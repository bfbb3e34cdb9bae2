// The person behind a staff account, and the second admin's approval of accounts that hold power
// over others (adjudicators decide possible duplicates; admins create and approve accounts).
//
// The two-person rule is about people, not usernames: one admin can mint usernames in minutes,
// so every adjudicator and admin account records its person's own NIK (and optionally a staff
// number, NIP), and such an account only acts once an admin who is a different person from its
// creator and from its own person has approved it. The very first admin of a database without
// any admin (the bootstrap) is the only account approved at creation.
//
// Plain functions over the caller's Connection (inside its transaction). Thread-safety: none of
// their own; a Connection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "core/error.h"
#include "core/role.h"
#include "store/database.h"

namespace ektp::access {

// Stable reasons (Error::reason) of the refusals of this rule, shared by access, abis and api.
namespace staff_reason {
inline constexpr std::string_view kSeparationOfDuties = "separation_of_duties";
inline constexpr std::string_view kPersonRequired = "person_identity_required";
inline constexpr std::string_view kPendingApproval = "account_pending_approval";
inline constexpr std::string_view kSamePerson = "same_person";
inline constexpr std::string_view kOwnCase = "own_case";
inline constexpr std::string_view kApproverIsCreator = "approver_is_creator";
inline constexpr std::string_view kApproverIsSubject = "approver_is_subject";
inline constexpr std::string_view kCreatorRequired = "creator_required";
inline constexpr std::string_view kNotPending = "not_pending_approval";
}  // namespace staff_reason

// Adjudicator and admin accounts: a person identity and a second admin's approval.
bool needs_second_approval(Role role);

enum class Approval { kApproved, kPending };
std::string_view approval_id(Approval approval);  // "approved", "pending_approval"
Result<Approval> parse_approval(std::string_view id);

struct StaffPerson {
  std::string nik;           // the person's own NIK; empty: not recorded (accounts from before)
  std::string staff_number;  // NIP or another staff number; optional
};

inline constexpr std::size_t kStaffNumberBytesMax = 32;

// kInvalidArgument (reason person_identity_required) without a NIK when `required`; for a NIK
// that parse_nik refuses (builtin regions, `today`); for a staff number over 32 bytes or with
// characters other than A-Z, a-z, 0-9, '.', '-' and '/'.
Status validate_staff_person(const StaffPerson& person, bool required, CivilDate today);

struct StaffRecord {
  std::string username;
  Role role = Role::kOperator;
  bool active = true;
  StaffPerson person;
  Approval approval = Approval::kApproved;
  std::string approval_requested_by;  // who created the account or asked for its new role
  std::string approved_by;
  std::int64_t approved_at_ms = 0;
  std::int64_t created_at_ms = 0;
};

// kNotFound for an unknown username.
Result<StaffRecord> load_staff(store::Connection& db, std::string_view username);
// Accounts in username order, only the pending ones when `pending_only`; at most 500.
Result<std::vector<StaffRecord>> list_staff(store::Connection& db, bool pending_only);
// Whether an active admin account (other than `except_username`) belongs to this NIK.
Result<bool> nik_holds_admin_account(store::Connection& db, std::string_view nik,
                                     std::string_view except_username);

// Who may act with a privileged role now: kPermissionDenied with reason account_pending_approval
// for a pending account, person_identity_required for one without a NIK, and a plain denial for
// an inactive account.
Status check_acting_staff(const StaffRecord& staff);

}  // namespace ektp::access
