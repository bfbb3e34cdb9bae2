// A station operator's activation (AuthService::activate_account): central's answer decides, a
// wrong code counts like a wrong password, and past the login throttle's limit the station asks
// central no more (429 at the route), so a code cannot be guessed at a station's pace.
#include <gtest/gtest.h>

#include "access/auth_service.h"
#include "core/civil_date.h"
#include "store/migrations.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::access {
namespace {

using namespace std::chrono;

class AccountActivationTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    auth = std::make_unique<AuthService>(db());
  }
  // Central as the station's redeemer sees it: one good code, every other one refused.
  CodeRedeemer central() {
    return [this](std::string_view user, std::string_view code) -> Result<Role> {
      ++asked;
      if (user == "sari.op" && code == kGoodCode) return Role::kOperator;
      return refusal(ErrorCode::kUnauthenticated, "enrolment_code_wrong", "the activation code is not good");
    };
  }
  // Views: `code` and `address` must outlive the call they are used in.
  static AccountActivation attempt(std::string_view code, std::string_view address = "192.0.2.7") {
    return {"sari.op", code, "kata-sandi-stasiun-sari", address};
  }
  static constexpr std::string_view kGoodCode = "QHZC-WA5A-85Z9";
  system_clock::time_point now = sys_days{CivilDate{year{2026}, December, day{3}}} + hours{2};
  std::unique_ptr<AuthService> auth;
  int asked = 0;
};

TEST_P(AccountActivationTest, TooManyWrongCodesStopAskingCentralUntilTheWindowPasses) {
  const auto limit = LoginThrottleLimits{}.per_user_address;
  for (std::size_t i = 0; i < limit; ++i) {
    const std::string wrong = "AAAA-BBBB-CCC" + std::to_string(i % 10);
    EXPECT_ERROR(auth->activate_account(attempt(wrong), central(), now), ErrorCode::kUnauthenticated, "not good");
  }
  EXPECT_EQ(asked, static_cast<int>(limit));
  // Throttled now: even the right code is not sent to central (and so not spent).
  auto refused = auth->activate_account(attempt(kGoodCode), central(), now + seconds{1});
  EXPECT_ERROR(refused, ErrorCode::kResourceExhausted, "too many");
  EXPECT_EQ(asked, static_cast<int>(limit));
  EXPECT_ERROR(auth->login("sari.op", "kata-sandi-stasiun-sari", now), ErrorCode::kUnauthenticated, "");
  // Another address is not held back by this one's failures; a window later this one may try again.
  EXPECT_OK(auth->activate_account(attempt(kGoodCode, "192.0.2.8"), central(), now + seconds{2}));
  EXPECT_OK(auth->login("sari.op", "kata-sandi-stasiun-sari", now + seconds{3}));
  EXPECT_OK(auth->activate_account(attempt(kGoodCode), central(), now + minutes{2}));
}

TEST_P(AccountActivationTest, BadInputIsRefusedBeforeCentralIsAsked) {
  AccountActivation weak = attempt(kGoodCode);
  weak.password = "pendek";
  EXPECT_ERROR(auth->activate_account(weak, central(), now), ErrorCode::kInvalidArgument, "12 to 128");
  const std::string too_long(41, 'A');
  AccountActivation long_code = attempt(too_long);
  EXPECT_ERROR(auth->activate_account(long_code, central(), now), ErrorCode::kInvalidArgument, "code");
  AccountActivation bad_user = attempt(kGoodCode);
  bad_user.username = "Sari Op";
  EXPECT_ERROR(auth->activate_account(bad_user, central(), now), ErrorCode::kInvalidArgument, "username");
  EXPECT_EQ(asked, 0);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AccountActivationTest);

}  // namespace
}  // namespace ektp::access
