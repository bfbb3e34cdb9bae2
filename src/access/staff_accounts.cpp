// AuthService's account changes that follow the person and approval rules of access/staff.h:
// creating an account, a second admin's approval, recording the person, changing the role.
#include <fmt/format.h>

#include "access/audit_log.h"
#include "access/auth_service.h"
#include "access/password_policy.h"

namespace ektp::access {

namespace {

namespace reason = staff_reason;

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

store::Value nullable(const std::string& text) {
  if (text.empty()) return store::Null{};
  return text;
}

std::string person_detail(const StaffPerson& person) {
  if (person.nik.empty()) return "no person";
  if (person.staff_number.empty()) return "person " + person.nik;
  return fmt::format("person {}, staff number {}", person.nik, person.staff_number);
}

// Separation of duties between the two privileged roles: one NIK holds no active adjudicator
// account beside an active admin account (an admin does not adjudicate under a second name).
Status check_separation(store::Connection& c, std::string_view username, Role role, std::string_view nik) {
  if (nik.empty() || !needs_second_approval(role)) return {};
  const std::string_view other = role == Role::kAdmin ? "adjudicator" : "admin";
  EKTP_ASSIGN_OR_RETURN(auto rows, c.execute("SELECT username FROM users WHERE person_nik = $1 AND role = $2 AND "
                                             "active = 1 AND username <> $3",
                                             {std::string(nik), std::string(other), std::string(username)}));
  if (rows.rows.empty()) return {};
  return refusal(ErrorCode::kPermissionDenied, std::string(reason::kSeparationOfDuties),
                 fmt::format("the person {} already holds the {} account '{}'; one person is not both admin and "
                             "adjudicator",
                             nik, other, rows.rows.front().text(0)));
}

// The creating admin, who must be an approved admin with a person identity.
Result<StaffRecord> acting_admin(store::Connection& c, std::string_view username) {
  auto admin = load_staff(c, username);
  if (!admin && admin.error().code == ErrorCode::kNotFound) {
    return make_error(ErrorCode::kPermissionDenied, fmt::format("'{}' is not an admin", username.substr(0, 64)));
  }
  if (!admin) return admin;
  if (admin->role != Role::kAdmin) {
    return make_error(ErrorCode::kPermissionDenied, fmt::format("'{}' is not an admin", admin->username));
  }
  EKTP_RETURN_IF_ERROR(check_acting_staff(*admin));
  return admin;
}

// How a new privileged account starts: the bootstrap admin of a database without any admin is
// approved; every other one waits for a second admin.
Result<Approval> initial_approval(store::Connection& c, const NewUser& user) {
  if (!needs_second_approval(user.role)) return Approval::kApproved;
  EKTP_ASSIGN_OR_RETURN(auto admins, c.execute("SELECT approval_status, active FROM users WHERE role = 'admin'"));
  if (user.role == Role::kAdmin && admins.rows.empty()) return Approval::kApproved;
  if (user.created_by.empty()) {
    std::size_t approved = 0;
    for (const auto& row : admins.rows) {
      approved += row.text(0) == approval_id(Approval::kApproved) && row.integer(1) != 0 ? 1 : 0;
    }
    // The console creates only the second admin, whom the first approves; from then on every
    // privileged account has an admin as its creator, so its approver is someone else.
    if (user.role != Role::kAdmin || approved >= 2) {
      return refusal(ErrorCode::kPermissionDenied, std::string(reason::kCreatorRequired),
                     "name the creating admin (ektp user add --by ADMIN, their password on standard input)");
    }
  }
  return Approval::kPending;
}

}  // namespace

Result<Approval> AuthService::create_user(const NewUser& user, std::chrono::system_clock::time_point now) {
  EKTP_RETURN_IF_ERROR(validate_username(user.username));
  EKTP_RETURN_IF_ERROR(validate_staff_person(user.person, needs_second_approval(user.role), jakarta_date_of(now)));
  EKTP_RETURN_IF_ERROR(check_password_policy(user.password, user.username));
  EKTP_ASSIGN_OR_RETURN(auto hash, hash_password(user.password));
  return store::with_write_transaction<Approval>(db_, [&](store::Connection& c) -> Result<Approval> {
    if (!user.created_by.empty()) {
      EKTP_ASSIGN_OR_RETURN(auto creator, acting_admin(c, user.created_by));
      if (needs_second_approval(user.role) && creator.person.nik == user.person.nik) {
        return refusal(ErrorCode::kPermissionDenied, std::string(reason::kSamePerson),
                       "an admin does not create an adjudicator or admin account for their own person");
      }
    }
    EKTP_RETURN_IF_ERROR(check_separation(c, user.username, user.role, user.person.nik));
    EKTP_ASSIGN_OR_RETURN(auto approval, initial_approval(c, user));
    auto inserted = c.execute(
        "INSERT INTO users (username, password_hash, role, created_at_ms, person_nik, staff_number, approval_status, "
        "approval_requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {user.username, hash, std::string(role_id(user.role)), to_ms(now), nullable(user.person.nik),
         nullable(user.person.staff_number), std::string(approval_id(approval)), user.created_by});
    if (!inserted && inserted.error().code == ErrorCode::kAlreadyExists) {
      return make_error(ErrorCode::kAlreadyExists, fmt::format("user '{}' already exists", user.username));
    }
    EKTP_RETURN_IF_ERROR(inserted);
    EKTP_RETURN_IF_ERROR(append_audit(
        c, {to_ms(now), user.created_by.empty() ? "console" : user.created_by, "user.create", user.username,
            fmt::format("role {}, {}, {}", role_id(user.role), approval_id(approval), person_detail(user.person))}));
    return approval;
  });
}

Status AuthService::approve_user(std::string_view username, std::string_view approver,
                                 std::chrono::system_clock::time_point now) {
  EKTP_RETURN_IF_ERROR(validate_username(username));
  auto done = store::with_write_transaction<bool>(db_, [&](store::Connection& c) -> Result<bool> {
    EKTP_ASSIGN_OR_RETURN(auto target, load_staff(c, username));
    if (target.approval != Approval::kPending) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(reason::kNotPending),
                     fmt::format("account '{}' is not pending approval", username));
    }
    EKTP_ASSIGN_OR_RETURN(auto admin, acting_admin(c, approver));
    if (admin.username == target.username || admin.person.nik == target.person.nik) {
      return refusal(ErrorCode::kPermissionDenied, std::string(reason::kApproverIsSubject),
                     "a person does not approve their own account");
    }
    bool creator = admin.username == target.approval_requested_by;
    if (!creator && !target.approval_requested_by.empty()) {
      auto requester = load_staff(c, target.approval_requested_by);
      if (!requester && requester.error().code != ErrorCode::kNotFound) return std::unexpected(requester.error());
      creator = requester && requester->person.nik == admin.person.nik;
    }
    if (creator) {
      return refusal(ErrorCode::kPermissionDenied, std::string(reason::kApproverIsCreator),
                     fmt::format("{} created the account '{}' or asked for its role; a second admin approves it",
                                 target.approval_requested_by, username));
    }
    if (needs_second_approval(target.role) && target.person.nik.empty()) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(reason::kPersonRequired),
                     fmt::format("account '{}' has no person identity to approve", username));
    }
    EKTP_RETURN_IF_ERROR(check_separation(c, target.username, target.role, target.person.nik));
    EKTP_ASSIGN_OR_RETURN(auto updated, c.execute("UPDATE users SET approval_status = 'approved', approved_by = $2, "
                                                  "approved_at_ms = $3 WHERE username = $1 AND "
                                                  "approval_status = 'pending_approval'",
                                                  {target.username, admin.username, to_ms(now)}));
    if (updated.rows_affected != 1) return make_error(ErrorCode::kAborted, "the account changed meanwhile; retry");
    EKTP_RETURN_IF_ERROR(append_audit(c, {to_ms(now), admin.username, "user.approve", target.username,
                                          fmt::format("role {}, {}, requested by {}", role_id(target.role),
                                                      person_detail(target.person),
                                                      target.approval_requested_by.empty()
                                                          ? "console" : target.approval_requested_by)}));
    return true;
  });
  sessions_.clear();  // after the commit: the account's sessions are approved now
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<Approval> AuthService::set_person(std::string_view username, const StaffPerson& person, std::string_view by,
                                         std::chrono::system_clock::time_point now) {
  EKTP_RETURN_IF_ERROR(validate_username(username));
  EKTP_RETURN_IF_ERROR(validate_staff_person(person, true, jakarta_date_of(now)));
  auto changed = store::with_write_transaction<Approval>(db_, [&](store::Connection& c) -> Result<Approval> {
    EKTP_ASSIGN_OR_RETURN(auto target, load_staff(c, username));
    Approval approval = target.approval;
    if (username == by) {
      // Accounts from before persons were recorded: an approved admin records their own, once.
      if (!target.person.nik.empty() || target.approval != Approval::kApproved) {
        return refusal(ErrorCode::kPermissionDenied, std::string(reason::kApproverIsSubject),
                       "another admin changes the person identity of your account");
      }
    } else if (needs_second_approval(target.role)) {
      approval = Approval::kPending;
    }
    EKTP_RETURN_IF_ERROR(check_separation(c, target.username, target.role, person.nik));
    const bool pending_now = approval == Approval::kPending && target.approval != Approval::kPending;
    EKTP_ASSIGN_OR_RETURN(
        auto updated, c.execute("UPDATE users SET person_nik = $2, staff_number = $3, approval_status = $4, "
                                "approval_requested_by = $5 WHERE username = $1",
                                {target.username, person.nik, nullable(person.staff_number),
                                 std::string(approval_id(approval)),
                                 approval == Approval::kPending ? std::string(by) : target.approval_requested_by}));
    if (updated.rows_affected != 1) return make_error(ErrorCode::kAborted, "the account changed meanwhile; retry");
    EKTP_RETURN_IF_ERROR(append_audit(c, {to_ms(now), std::string(by), "user.person", target.username,
                                          fmt::format("{}{}", person_detail(person),
                                                      pending_now ? ", pending_approval" : "")}));
    return approval;
  });
  sessions_.clear();  // after the commit, so that no request keeps the account's old approval
  return changed;
}

Result<Approval> AuthService::set_role(std::string_view username, Role role, std::string_view by) {
  EKTP_RETURN_IF_ERROR(validate_username(username));
  auto changed = store::with_write_transaction<Approval>(db_, [&](store::Connection& c) -> Result<Approval> {
    EKTP_ASSIGN_OR_RETURN(auto target, load_staff(c, username));
    Approval approval = target.approval;
    std::string requested_by = target.approval_requested_by;
    if (needs_second_approval(role) && role != target.role) {
      if (target.person.nik.empty()) {
        return refusal(ErrorCode::kFailedPrecondition, std::string(reason::kPersonRequired),
                       fmt::format("record the person (NIK) of '{}' before making it {}", username, role_id(role)));
      }
      EKTP_RETURN_IF_ERROR(check_separation(c, target.username, role, target.person.nik));
      approval = Approval::kPending;
      requested_by = std::string(by);
    }
    EKTP_ASSIGN_OR_RETURN(auto updated, c.execute("UPDATE users SET role = $2, approval_status = $3, "
                                                  "approval_requested_by = $4 WHERE username = $1",
                                                  {target.username, std::string(role_id(role)),
                                                   std::string(approval_id(approval)), requested_by}));
    if (updated.rows_affected != 1) return not_found(fmt::format("no user '{}'", username));
    return approval;
  });
  sessions_.clear();  // after the commit: the role (and approval) apply to existing sessions at once
  return changed;
}

}  // namespace ektp::access
