// Staff accounts the way an office sets them up (access/staff.h): the bootstrap admin, a second
// admin it approves, and adjudicators created by the first admin and approved by the second.
#pragma once

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "access/auth_service.h"

namespace ektp::test {

inline constexpr const char* kRootAdmin = "root.admin";
inline constexpr const char* kSecondAdmin = "second.admin";
inline constexpr const char* kStaffPassword = "staff-password-2026";
// Made-up staff persons (valid NIKs of district 332701), none a resident of the tests.
inline constexpr const char* kRootAdminNik = "3327011501800901";
inline constexpr const char* kSecondAdminNik = "3327012002810902";

// Creates the two approved admins (different persons). Call on a database without users.
inline void create_two_admins(access::AuthService& auth, std::chrono::system_clock::time_point now) {
  auto root = auth.create_user(access::NewUser{kRootAdmin, kStaffPassword, Role::kAdmin, {kRootAdminNik, ""}, ""}, now);
  ASSERT_TRUE(root.has_value()) << root.error().message;
  ASSERT_EQ(*root, access::Approval::kApproved);  // the bootstrap
  auto second =
      auth.create_user(access::NewUser{kSecondAdmin, kStaffPassword, Role::kAdmin, {kSecondAdminNik, ""}, ""}, now);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  ASSERT_EQ(*second, access::Approval::kPending);
  auto approved = auth.approve_user(kSecondAdmin, kRootAdmin, now);
  ASSERT_TRUE(approved.has_value()) << approved.error().message;
}

// An approved adjudicator: created by the root admin, approved by the second one.
inline void create_adjudicator(access::AuthService& auth, const std::string& username, const std::string& nik,
                               std::chrono::system_clock::time_point now) {
  auto created =
      auth.create_user(access::NewUser{username, kStaffPassword, Role::kAdjudicator, {nik, ""}, kRootAdmin}, now);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  ASSERT_EQ(*created, access::Approval::kPending);
  auto approved = auth.approve_user(username, kSecondAdmin, now);
  ASSERT_TRUE(approved.has_value()) << approved.error().message;
}

}  // namespace ektp::test

// Expects a refusal with this code and stable reason (Error::reason).
#define EXPECT_REFUSED(expr, expected_code, expected_reason)                                      \
  do {                                                                                            \
    auto refused_ = (expr);                                                                       \
    ASSERT_FALSE(refused_.has_value()) << #expr " succeeded";                                     \
    EXPECT_EQ(refused_.error().code, expected_code) << refused_.error().message;                  \
    EXPECT_EQ(refused_.error().reason, expected_reason) << refused_.error().message;              \
  } while (false)
