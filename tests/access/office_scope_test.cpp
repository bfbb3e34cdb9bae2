#include "access/office_scope.h"

#include "support/test_support.h"

namespace ektp::access {
namespace {

Session staff(Role role, std::string office) {
  Session s;
  s.username = "ani";
  s.role = role;
  s.office_region = std::move(office);
  return s;
}

TEST(OfficeScopeTest, OperatorsAndSupervisorsSeeTheirOfficesRegionOnly) {
  for (Role role : {Role::kOperator, Role::kSupervisor}) {
    auto district = staff(role, "332701");
    EXPECT_OK(check_office_covers(district, "3327012001"));
    EXPECT_ERROR(check_office_covers(district, "3327022001"), ErrorCode::kPermissionDenied, "outside office region 332701");
    EXPECT_ERROR(check_office_covers(district, "33270"), ErrorCode::kPermissionDenied, "outside");  // truncated code
    auto regency = staff(role, "3327");
    EXPECT_OK(check_office_covers(regency, "3327022001"));
    EXPECT_ERROR(check_office_covers(regency, "3328012001"), ErrorCode::kPermissionDenied, "outside");
    auto prefix = office_search_prefix(regency);
    ASSERT_OK(prefix);
    EXPECT_EQ(*prefix, "3327");
  }
}

TEST(OfficeScopeTest, AScopedRoleWithoutAnOfficeSeesNobody) {
  auto none = staff(Role::kOperator, "");
  EXPECT_ERROR(check_office_covers(none, "3327012001"), ErrorCode::kPermissionDenied, "no office region");
  EXPECT_ERROR(office_search_prefix(none), ErrorCode::kPermissionDenied, "no office region");
}

TEST(OfficeScopeTest, AdjudicatorsAndAdministratorsWorkNationally) {
  for (Role role : {Role::kAdjudicator, Role::kAdmin}) {
    auto national = staff(role, "");
    EXPECT_OK(check_office_covers(national, "9471012001"));
    auto prefix = office_search_prefix(national);
    ASSERT_OK(prefix);
    EXPECT_EQ(*prefix, "");
  }
}

TEST(OfficeScopeTest, OfficeRegionCodesAreValidated) {
  for (const char* good : {"33", "3327", "332701", "3327012001"}) {
    EXPECT_OK(validate_office_region(good));
  }
  EXPECT_ERROR(validate_office_region(""), ErrorCode::kInvalidArgument, "0 characters");
  EXPECT_ERROR(validate_office_region("332"), ErrorCode::kInvalidArgument, "3 characters");
  EXPECT_ERROR(validate_office_region("33a7"), ErrorCode::kInvalidArgument, "character 3 is not a digit");
  EXPECT_ERROR(validate_office_region("3327%"), ErrorCode::kInvalidArgument, "5 characters");
}

}  // namespace
}  // namespace ektp::access
