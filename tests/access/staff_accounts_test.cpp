// The person behind each staff account and the second admin's approval (access/staff.h), on both
// back ends: the bootstrap, who may create and approve whom, and what a pending account may do.
#include "access/auth_service.h"

#include "access/staff.h"
#include "core/civil_date.h"
#include "store/migrations.h"
#include "support/staff_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::access {
namespace {

using namespace std::chrono;

constexpr const char* kAdjNik = "3327014107880011";
constexpr const char* kOtherNik = "3327010309790012";

class StaffAccountsTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    auth = std::make_unique<AuthService>(db());
  }

  NewUser adjudicator(std::string name, std::string nik, std::string by = test::kRootAdmin) {
    return NewUser{std::move(name), test::kStaffPassword, Role::kAdjudicator, {std::move(nik), ""}, std::move(by)};
  }

  StaffRecord staff(const std::string& username) {
    auto conn = db().connect();
    EXPECT_TRUE(conn.has_value());
    auto record = load_staff(**conn, username);
    EXPECT_TRUE(record.has_value()) << record.error().message;
    return record.value_or(StaffRecord{});
  }

  std::size_t audit_count(const std::string& action) {
    auto conn = db().connect();
    EXPECT_TRUE(conn.has_value());
    auto rows = (*conn)->execute("SELECT count(*) FROM audit_log WHERE action = $1", {action});
    EXPECT_TRUE(rows.has_value());
    return static_cast<std::size_t>(rows->rows.front().integer(0));
  }

  system_clock::time_point now = sys_days{ektp::CivilDate{year{2026}, November, day{23}}} + hours{2};
  std::unique_ptr<AuthService> auth;
};

TEST_P(StaffAccountsTest, TheBootstrapAdminIsTheOnlyAccountApprovedAtCreation) {
  test::create_two_admins(*auth, now);
  EXPECT_EQ(staff(test::kRootAdmin).approval, Approval::kApproved);
  EXPECT_EQ(staff(test::kRootAdmin).approved_by, "");
  EXPECT_EQ(staff(test::kSecondAdmin).approved_by, test::kRootAdmin);
  EXPECT_EQ(staff(test::kSecondAdmin).person.nik, test::kSecondAdminNik);
  auto created = auth->create_user(adjudicator("adj.ani", kAdjNik), now);
  ASSERT_OK(created);
  EXPECT_EQ(*created, Approval::kPending);
  auto third = auth->create_user(NewUser{"third.admin", test::kStaffPassword, Role::kAdmin, {kOtherNik, "19800101"},
                                         test::kRootAdmin},
                                 now);
  ASSERT_OK(third);
  EXPECT_EQ(*third, Approval::kPending);
  EXPECT_EQ(staff("third.admin").person.staff_number, "19800101");
  EXPECT_EQ(audit_count("user.create"), 4u);
  EXPECT_EQ(audit_count("user.approve"), 1u);
}

TEST_P(StaffAccountsTest, AdjudicatorsAndAdminsNeedTheirPersonsOwnNik) {
  EXPECT_REFUSED(auth->create_user(NewUser{"first.admin", test::kStaffPassword, Role::kAdmin, {}, ""}, now),
                 ErrorCode::kInvalidArgument, "person_identity_required");
  EXPECT_REFUSED(auth->create_user("first.admin", test::kStaffPassword, Role::kAdmin, now), ErrorCode::kInvalidArgument,
                 "person_identity_required");
  test::create_two_admins(*auth, now);
  EXPECT_REFUSED(auth->create_user(adjudicator("adj.tanpa", ""), now), ErrorCode::kInvalidArgument,
                 "person_identity_required");
  EXPECT_ERROR(auth->create_user(adjudicator("adj.salah", "3327013202900001"), now), ErrorCode::kInvalidArgument,
               "nik: NIK digits");
  EXPECT_ERROR(auth->create_user(adjudicator("adj.salah", "12345"), now), ErrorCode::kInvalidArgument, "nik");
  auto bad_number = adjudicator("adj.salah", kAdjNik);
  bad_number.person.staff_number = "19800101 2000";
  EXPECT_ERROR(auth->create_user(bad_number, now), ErrorCode::kInvalidArgument, "staff_number");
  bad_number.person.staff_number = std::string(33, '1');
  EXPECT_ERROR(auth->create_user(bad_number, now), ErrorCode::kInvalidArgument, "staff_number");
  // An operator may have none.
  EXPECT_OK(auth->create_user("ani.op", "operator-password", Role::kOperator, now));
  EXPECT_EQ(staff("ani.op").person.nik, "");
}

TEST_P(StaffAccountsTest, ApprovalNeedsASecondAdminWhoIsAnotherPerson) {
  test::create_two_admins(*auth, now);
  ASSERT_OK(auth->create_user(adjudicator("adj.ani", kAdjNik), now));
  EXPECT_REFUSED(auth->approve_user("adj.ani", test::kRootAdmin, now), ErrorCode::kPermissionDenied,
                 "approver_is_creator");
  EXPECT_ERROR(auth->approve_user("adj.ani", "adj.ani", now), ErrorCode::kPermissionDenied, "not an admin");
  EXPECT_ERROR(auth->approve_user("adj.ani", "nobody", now), ErrorCode::kPermissionDenied, "not an admin");
  EXPECT_ERROR(auth->approve_user("nobody", test::kSecondAdmin, now), ErrorCode::kNotFound, "nobody");
  EXPECT_EQ(staff("adj.ani").approval, Approval::kPending);
  ASSERT_OK(auth->approve_user("adj.ani", test::kSecondAdmin, now));
  EXPECT_EQ(staff("adj.ani").approval, Approval::kApproved);
  EXPECT_EQ(staff("adj.ani").approved_by, test::kSecondAdmin);
  EXPECT_REFUSED(auth->approve_user("adj.ani", test::kSecondAdmin, now), ErrorCode::kFailedPrecondition,
                 "not_pending_approval");

  // A third admin; its person is then changed to the second admin's, who as the creator's person
  // (under another username) may not approve what the third admin created.
  ASSERT_OK(auth->create_user(
      NewUser{"third.admin", test::kStaffPassword, Role::kAdmin, {kOtherNik, ""}, test::kRootAdmin}, now));
  EXPECT_REFUSED(auth->approve_user("third.admin", "third.admin", now), ErrorCode::kPermissionDenied,
                 "account_pending_approval");
  ASSERT_OK(auth->approve_user("third.admin", test::kSecondAdmin, now));
  ASSERT_OK(auth->create_user(adjudicator("adj.budi", "3327010101700021", "third.admin"), now));
  ASSERT_OK(auth->set_person("third.admin", {test::kSecondAdminNik, ""}, test::kRootAdmin, now));
  EXPECT_EQ(staff("third.admin").approval, Approval::kPending);  // a changed person is approved again
  EXPECT_REFUSED(auth->approve_user("adj.budi", test::kSecondAdmin, now), ErrorCode::kPermissionDenied,
                 "approver_is_creator");
  ASSERT_OK(auth->approve_user("adj.budi", test::kRootAdmin, now));
  // An account's own person may not approve it under another username: a second admin account
  // for the second admin's person is not approved by the second admin.
  ASSERT_OK(auth->create_user(
      NewUser{"second.lagi", test::kStaffPassword, Role::kAdmin, {test::kSecondAdminNik, ""}, test::kRootAdmin}, now));
  EXPECT_REFUSED(auth->approve_user("second.lagi", test::kSecondAdmin, now), ErrorCode::kPermissionDenied,
                 "approver_is_subject");
}

TEST_P(StaffAccountsTest, OnePersonDoesNotHoldBothPrivilegedRoles) {
  test::create_two_admins(*auth, now);
  // The root admin's own NIK on an adjudicator account: the admin would adjudicate by another name.
  EXPECT_REFUSED(auth->create_user(adjudicator("admin.juga.adj", test::kRootAdminNik), now),
                 ErrorCode::kPermissionDenied, "same_person");
  EXPECT_REFUSED(auth->create_user(adjudicator("admin.juga.adj", test::kSecondAdminNik), now),
                 ErrorCode::kPermissionDenied, "separation_of_duties");
  ASSERT_OK(auth->create_user(adjudicator("adj.ani", kAdjNik), now));
  EXPECT_REFUSED(auth->create_user(NewUser{"ani.admin", test::kStaffPassword, Role::kAdmin, {kAdjNik, ""},
                                           test::kRootAdmin},
                                   now),
                 ErrorCode::kPermissionDenied, "separation_of_duties");
}

TEST_P(StaffAccountsTest, TheConsoleCreatesOnlyTheFirstTwoAdmins) {
  ASSERT_OK(auth->create_user("ani.op", "operator-password", Role::kOperator, now));  // not an admin: no bootstrap
  test::create_two_admins(*auth, now);
  EXPECT_REFUSED(auth->create_user(adjudicator("adj.konsol", kAdjNik, ""), now), ErrorCode::kPermissionDenied,
                 "creator_required");
  EXPECT_REFUSED(auth->create_user(NewUser{"third.admin", test::kStaffPassword, Role::kAdmin, {kOtherNik, ""}, ""}, now),
                 ErrorCode::kPermissionDenied, "creator_required");
  // A creator must be an approved admin.
  EXPECT_ERROR(auth->create_user(adjudicator("adj.x", kAdjNik, "ani.op"), now), ErrorCode::kPermissionDenied,
               "not an admin");
  ASSERT_OK(auth->create_user(adjudicator("adj.ani", kAdjNik), now));
  EXPECT_ERROR(auth->create_user(adjudicator("adj.y", kOtherNik, "adj.ani"), now), ErrorCode::kPermissionDenied,
               "not an admin");
}

TEST_P(StaffAccountsTest, ARoleChangeIntoAdjudicatorWaitsForApproval) {
  test::create_two_admins(*auth, now);
  ASSERT_OK(auth->create_user("ani.op", "operator-password", Role::kOperator, now));
  EXPECT_REFUSED(auth->set_role("ani.op", Role::kAdjudicator, test::kRootAdmin), ErrorCode::kFailedPrecondition,
                 "person_identity_required");
  auto recorded = auth->set_person("ani.op", {kAdjNik, ""}, test::kRootAdmin, now);
  ASSERT_OK(recorded);
  EXPECT_EQ(*recorded, Approval::kApproved);  // an operator needs no approval
  auto changed = auth->set_role("ani.op", Role::kAdjudicator, test::kRootAdmin);
  ASSERT_OK(changed);
  EXPECT_EQ(*changed, Approval::kPending);
  EXPECT_EQ(staff("ani.op").approval_requested_by, test::kRootAdmin);
  auto login = auth->login("ani.op", "operator-password", now);
  ASSERT_OK(login);
  EXPECT_FALSE(login->session.approved);
  auto session = auth->authenticate(login->token, now);
  ASSERT_OK(session);
  EXPECT_FALSE(session->approved);
  EXPECT_REFUSED(auth->approve_user("ani.op", test::kRootAdmin, now), ErrorCode::kPermissionDenied,
                 "approver_is_creator");
  ASSERT_OK(auth->approve_user("ani.op", test::kSecondAdmin, now));
  auto after = auth->authenticate(login->token, now);
  ASSERT_OK(after);
  EXPECT_TRUE(after->approved);
  EXPECT_EQ(after->role, Role::kAdjudicator);
}

TEST_P(StaffAccountsTest, AnAdminFromBeforeRecordsTheirOwnPersonOnce) {
  test::create_two_admins(*auth, now);
  auto done = store::with_write_transaction<bool>(db(), [&](store::Connection& c) -> Result<bool> {
    EKTP_RETURN_IF_ERROR(c.execute("UPDATE users SET person_nik = NULL WHERE username = $1", {std::string(test::kRootAdmin)}));
    return true;
  });
  ASSERT_OK(done);
  ASSERT_OK(auth->create_user(adjudicator("adj.ani", kAdjNik, test::kSecondAdmin), now));
  EXPECT_REFUSED(auth->approve_user("adj.ani", test::kRootAdmin, now), ErrorCode::kPermissionDenied,
                 "person_identity_required");
  auto own = auth->set_person(test::kRootAdmin, {test::kRootAdminNik, "197001012000011001"}, test::kRootAdmin, now);
  ASSERT_OK(own);
  EXPECT_EQ(*own, Approval::kApproved);
  EXPECT_REFUSED(auth->set_person(test::kRootAdmin, {kOtherNik, ""}, test::kRootAdmin, now),
                 ErrorCode::kPermissionDenied, "approver_is_subject");
  EXPECT_EQ(staff(test::kRootAdmin).person.nik, test::kRootAdminNik);
  ASSERT_OK(auth->approve_user("adj.ani", test::kRootAdmin, now));
  EXPECT_EQ(audit_count("user.person"), 1u);
}

TEST_P(StaffAccountsTest, CheckPasswordProvesTheSecondPerson) {
  test::create_two_admins(*auth, now);
  EXPECT_OK(auth->check_password(test::kSecondAdmin, test::kStaffPassword));
  EXPECT_ERROR(auth->check_password(test::kSecondAdmin, "wrong-password-here"), ErrorCode::kUnauthenticated, "");
  EXPECT_ERROR(auth->check_password("nobody", test::kStaffPassword), ErrorCode::kUnauthenticated, "");
  EXPECT_ERROR(auth->check_password(test::kSecondAdmin, std::string(300, 'x')), ErrorCode::kInvalidArgument,
               "password");
  ASSERT_OK(auth->set_active(test::kSecondAdmin, false));
  EXPECT_ERROR(auth->check_password(test::kSecondAdmin, test::kStaffPassword), ErrorCode::kUnauthenticated, "");
}

TEST(StaffPerson, ValidationAndIds) {
  const CivilDate today{std::chrono::year{2026}, std::chrono::November, std::chrono::day{23}};
  EXPECT_OK(validate_staff_person({}, false, today));
  EXPECT_ERROR(validate_staff_person({"", "123"}, false, today), ErrorCode::kInvalidArgument, "staff_number");
  EXPECT_OK(validate_staff_person({kAdjNik, "19800101.200-1/2"}, true, today));
  EXPECT_ERROR(validate_staff_person({"3327019999990001", ""}, true, today), ErrorCode::kInvalidArgument, "nik");
  for (auto a : {Approval::kApproved, Approval::kPending}) {
    auto parsed = parse_approval(approval_id(a));
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, a);
  }
  EXPECT_ERROR(parse_approval("maybe"), ErrorCode::kInvalidArgument, "maybe");
  EXPECT_TRUE(needs_second_approval(Role::kAdjudicator));
  EXPECT_TRUE(needs_second_approval(Role::kAdmin));
  EXPECT_FALSE(needs_second_approval(Role::kSupervisor));
}

EKTP_INSTANTIATE_FOR_BACKENDS(StaffAccountsTest);

}  // namespace
}  // namespace ektp::access
