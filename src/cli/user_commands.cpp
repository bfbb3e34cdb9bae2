// `ektp user add`, `ektp user approve` and `ektp user office`: accounts from the command line, under the person and
// second-admin rules of access/staff.h. Passwords come only on standard input, one per line: the
// command line is visible to every process on the machine.
#include <chrono>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "access/auth_service.h"
#include "cli/commands.h"
#include "cli/database_option.h"
#include "core/limits.h"
#include "core/region.h"
#include "store/migrations.h"

namespace ektp::cli {

namespace {

struct UserAddOptions {
  std::string url, username, role, nik, staff_number, by, office;
};

// An office region of 2, 4, 6 or 10 digits that exists.
Result<const Region*> office_region(const std::string& code, std::string_view option) {
  EKTP_RETURN_IF_ERROR(access::validate_office_region(code));
  const Region* region = RegionDirectory::builtin().find(code);
  if (region == nullptr) return not_found(fmt::format("{}: no region {}", option, code));
  return region;
}

// One password line from standard input; `whose` names it in the error.
Result<std::string> password_line(std::string_view whose) {
  std::string password;
  if (!std::getline(std::cin, password) || password.empty()) {
    return invalid_argument(fmt::format("give {} password on standard input (one line)", whose));
  }
  if (password.size() > limits::password_bytes_max) return invalid_argument(fmt::format("{} password is too long", whose));
  return password;
}

Result<std::unique_ptr<store::Database>> migrated_database(const std::string& url) {
  auto db = open_database(url);
  if (!db) return std::unexpected(db.error());
  EKTP_RETURN_IF_ERROR(store::migrate(**db, store::registry_migrations()));
  return std::move(*db);
}

// The second person at the console proves who they are with their password.
Status check_admin_password(access::AuthService& auth, const std::string& admin) {
  auto password = password_line("the admin's (" + admin + ")");
  if (!password) return std::unexpected(password.error());
  auto checked = auth.check_password(admin, *password);
  if (!checked) return make_error(ErrorCode::kUnauthenticated, fmt::format("wrong password for '{}'", admin));
  return {};
}

int run_user_add(const UserAddOptions& o) {
  auto role = parse_role(o.role);
  if (!role) return report(role.error());
  if (!o.office.empty()) {
    if (auto region = office_region(o.office, "--office"); !region) return report(region.error());
  }
  auto password = password_line("the new user's");
  if (!password) return report(password.error());
  auto db = migrated_database(o.url);
  if (!db) return report(db.error());
  access::AuthService auth(**db);
  if (!o.by.empty()) {
    if (auto checked = check_admin_password(auth, o.by); !checked) return report(checked.error());
  }
  auto approval = auth.create_user(access::NewUser{o.username, *password, *role, {o.nik, o.staff_number}, o.by},
                                   std::chrono::system_clock::now());
  if (!approval) return report(approval.error());
  if (!o.office.empty()) {
    if (auto s = auth.set_office_region(o.username, o.office, std::chrono::system_clock::now()); !s) return report(s.error());
  }
  std::cout << "user " << o.username << " (" << role_id(*role) << ") created";
  if (!o.office.empty()) std::cout << ", office region " << o.office;
  if (*approval == access::Approval::kPending) {
    std::cout << "; pending approval: another admin runs `ektp user approve --username " << o.username << "`";
  }
  std::cout << "\n";
  return 0;
}

int run_user_approve(const std::string& url, const std::string& username, const std::string& approver) {
  auto db = migrated_database(url);
  if (!db) return report(db.error());
  access::AuthService auth(**db);
  if (auto checked = check_admin_password(auth, approver); !checked) return report(checked.error());
  if (auto approved = auth.approve_user(username, approver, std::chrono::system_clock::now()); !approved) {
    return report(approved.error());
  }
  std::cout << "user " << username << " approved by " << approver << "\n";
  return 0;
}

int run_user_office(const std::string& url, const std::string& username, const std::string& office) {
  auto region = office_region(office, "--region");
  if (!region) return report(region.error());
  auto db = migrated_database(url);
  if (!db) return report(db.error());
  access::AuthService auth(**db);
  if (auto s = auth.set_office_region(username, office, std::chrono::system_clock::now()); !s) return report(s.error());
  std::cout << "user " << username << " works for " << (*region)->name << " (" << office << ")\n";
  return 0;
}

}  // namespace

void register_user_commands(CLI::App& app) {
  auto* user = app.add_subcommand("user", "user administration");
  user->require_subcommand(1);

  auto add_options = std::make_shared<UserAddOptions>();
  auto* add = user->add_subcommand(
      "add", "create a user; standard input: the new user's password, then (with --by) the creating admin's");
  add_database_option(*add, add_options->url);
  add->add_option("--username", add_options->username, "login name")->required();
  add->add_option("--role", add_options->role, "operator, supervisor, adjudicator, admin, agency or resident")
      ->required();
  add->add_option("--nik", add_options->nik, "the person's own NIK (required for adjudicator and admin)");
  add->add_option("--staff-number", add_options->staff_number, "the person's staff number (NIP), optional");
  add->add_option("--by", add_options->by,
                  "the approved admin creating the account (required for adjudicators, and for admins once two "
                  "admins are approved)");
  auto password_stdin = std::make_shared<bool>(true);
  add->add_flag("--password-stdin", *password_stdin, "read the password from standard input (the only way)");
  add->add_option("--office", add_options->office,
                  "region code of the office the user works for (2, 4, 6 or 10 digits); operators and supervisors "
                  "see only its residents, and see nobody without one");
  add->callback([add_options] { exit_code() = run_user_add(*add_options); });

  auto office_url = std::make_shared<std::string>();
  auto office_username = std::make_shared<std::string>();
  auto office_code = std::make_shared<std::string>();
  auto* set_office = user->add_subcommand("office", "set the office region a user works for");
  add_database_option(*set_office, *office_url);
  set_office->add_option("--username", *office_username, "login name")->required();
  set_office->add_option("--region", *office_code, "region code: 2, 4, 6 or 10 digits")->required();
  set_office->callback([office_url, office_username, office_code] {
    exit_code() = run_user_office(*office_url, *office_username, *office_code);
  });

  auto approve_url = std::make_shared<std::string>();
  auto approve_username = std::make_shared<std::string>();
  auto approver = std::make_shared<std::string>();
  auto* approve = user->add_subcommand(
      "approve", "a second admin approves a pending adjudicator or admin account; their password on standard input");
  add_database_option(*approve, *approve_url);
  approve->add_option("--username", *approve_username, "the pending account")->required();
  approve->add_option("--approver", *approver, "the approving admin: not the account's creator nor its person")
      ->required();
  approve->callback([approve_url, approve_username, approver] {
    exit_code() = run_user_approve(*approve_url, *approve_username, *approver);
  });
}

}  // namespace ektp::cli
