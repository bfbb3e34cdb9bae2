#include "access/staff.h"

#include <fmt/format.h>

#include "core/nik.h"
#include "core/region.h"

namespace ektp::access {

namespace {

constexpr std::string_view kStaffColumns =
    "username, role, active, person_nik, staff_number, approval_status, approval_requested_by, approved_by, "
    "approved_at_ms, created_at_ms";

Result<StaffRecord> staff_from_row(const store::Row& row) {
  StaffRecord s;
  s.username = row.text(0);
  auto role = parse_role(row.text(1));
  if (!role) return make_error(ErrorCode::kDataLoss, fmt::format("user '{}': stored role is corrupt", s.username));
  s.role = *role;
  s.active = row.integer(2) != 0;
  s.person = StaffPerson{row.text(3), row.text(4)};
  auto approval = parse_approval(row.text(5));
  if (!approval) {
    return make_error(ErrorCode::kDataLoss, fmt::format("user '{}': stored approval is corrupt", s.username));
  }
  s.approval = *approval;
  s.approval_requested_by = row.text(6);
  s.approved_by = row.text(7);
  s.approved_at_ms = row.integer(8);
  s.created_at_ms = row.integer(9);
  return s;
}

}  // namespace

bool needs_second_approval(Role role) { return role == Role::kAdjudicator || role == Role::kAdmin; }

std::string_view approval_id(Approval approval) {
  return approval == Approval::kApproved ? "approved" : "pending_approval";
}

Result<Approval> parse_approval(std::string_view id) {
  if (id == "approved") return Approval::kApproved;
  if (id == "pending_approval") return Approval::kPending;
  return invalid_argument(fmt::format("approval '{}' is not approved or pending_approval", id.substr(0, 40)));
}

Status validate_staff_person(const StaffPerson& person, bool required, CivilDate today) {
  if (person.nik.empty()) {
    if (!required) {
      if (!person.staff_number.empty()) return invalid_argument("staff_number: give the person's NIK with it");
      return {};
    }
    return refusal(ErrorCode::kInvalidArgument, std::string(staff_reason::kPersonRequired),
                   "nik: adjudicator and admin accounts record their person's own NIK");
  }
  if (auto parsed = parse_nik(person.nik, RegionDirectory::builtin(), today); !parsed) {
    return invalid_argument("nik: " + parsed.error().message);
  }
  if (person.staff_number.size() > kStaffNumberBytesMax) {
    return invalid_argument(fmt::format("staff_number: at most {} characters", kStaffNumberBytesMax));
  }
  for (char c : person.staff_number) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' ||
                    c == '-' || c == '/';
    if (!ok) return invalid_argument("staff_number: only letters, digits, '.', '-' and '/'");
  }
  return {};
}

Result<StaffRecord> load_staff(store::Connection& db, std::string_view username) {
  EKTP_ASSIGN_OR_RETURN(auto rows, db.execute(fmt::format("SELECT {} FROM users WHERE username = $1", kStaffColumns),
                                              {std::string(username)}));
  if (rows.rows.empty()) return not_found(fmt::format("no user '{}'", username.substr(0, 64)));
  return staff_from_row(rows.rows.front());
}

Result<std::vector<StaffRecord>> list_staff(store::Connection& db, bool pending_only) {
  EKTP_ASSIGN_OR_RETURN(
      auto rows, db.execute(fmt::format("SELECT {} FROM users{} ORDER BY username LIMIT 500", kStaffColumns,
                                        pending_only ? " WHERE approval_status = 'pending_approval'" : "")));
  std::vector<StaffRecord> out;
  out.reserve(rows.rows.size());
  for (const auto& row : rows.rows) {
    EKTP_ASSIGN_OR_RETURN(auto staff, staff_from_row(row));
    out.push_back(std::move(staff));
  }
  return out;
}

Result<bool> nik_holds_admin_account(store::Connection& db, std::string_view nik, std::string_view except_username) {
  if (nik.empty()) return false;
  EKTP_ASSIGN_OR_RETURN(auto rows, db.execute("SELECT 1 FROM users WHERE person_nik = $1 AND role = 'admin' AND "
                                              "active = 1 AND username <> $2",
                                              {std::string(nik), std::string(except_username)}));
  return !rows.rows.empty();
}

Status check_acting_staff(const StaffRecord& staff) {
  if (!staff.active) {
    return make_error(ErrorCode::kPermissionDenied, fmt::format("account '{}' is deactivated", staff.username));
  }
  if (staff.approval == Approval::kPending) {
    return refusal(ErrorCode::kPermissionDenied, std::string(staff_reason::kPendingApproval),
                   fmt::format("account '{}' awaits a second admin's approval", staff.username));
  }
  if (staff.person.nik.empty()) {
    return refusal(ErrorCode::kPermissionDenied, std::string(staff_reason::kPersonRequired),
                   fmt::format("account '{}' has no person identity (NIK) recorded; an admin records it and a "
                               "second admin approves it",
                               staff.username));
  }
  return {};
}

}  // namespace ektp::access
