// Agencies' subscriptions on SQLite and PostgreSQL: made and listed (audited), at most five per
// agency, deleted by their own agency only (another's reads as unknown); refused with a reason and
// nothing stored: an address that is not https, a private, loopback or link-local one in
// production (allowed where the server allows private webhooks), a host that does not resolve,
// unknown or repeated event types.
#include "agency/subscription_registry.h"

#include <gtest/gtest.h>

#include "subscription_fixture.h"

namespace ektp::agency {
namespace {

using test_fixture::kAdmin;
using test_fixture::kNowMs;

class SubscriptionRegistryTest : public test_fixture::SubscriptionTest {
 protected:
  Result<Subscription> make(std::string url, std::vector<std::string> types = {"birth"},
                            SubscriptionPolicy policy = {}) {
    return create_subscription(db(), caller, url, types, policy, kNowMs);
  }
  std::size_t active() {
    auto conn = db().connect();
    auto listed = active_subscriptions_of(**conn, "bpjs-kesehatan");
    EXPECT_OK(listed);
    return listed ? listed->size() : 0;
  }
};

TEST_P(SubscriptionRegistryTest, AnAgencySubscribesListsAndDeletes) {
  auto made = make("https://93.184.216.34/ektp/events", {"birth", "death", "move", "marriage", "divorce"});
  ASSERT_OK(made);
  EXPECT_GT(made->id, 0);
  EXPECT_EQ(made->agency_code, "bpjs-kesehatan");
  EXPECT_EQ(made->created_by_key, caller.key_id);
  EXPECT_TRUE(made->wants("divorce"));
  EXPECT_EQ(active(), 1u);
  ASSERT_EQ(audited("agency.subscribe").size(), 1u);
  EXPECT_NE(audited("agency.subscribe")[0].find("birth,death,move,marriage,divorce"), std::string::npos);
  auto ended = delete_subscription(db(), caller, made->id, kNowMs + 1);
  ASSERT_OK(ended);
  EXPECT_EQ(ended->subscription.deleted_at_ms, kNowMs + 1);
  EXPECT_EQ(active(), 0u);
  EXPECT_EQ(audited("agency.unsubscribe").size(), 1u);
  // Deleted once: a second time it is unknown.
  EXPECT_EQ(delete_subscription(db(), caller, made->id, kNowMs + 2).error().reason,
            webhook_reason::kSubscriptionUnknown);
}

TEST_P(SubscriptionRegistryTest, AtMostFivePerAgency) {
  for (std::size_t i = 0; i < kSubscriptionsPerAgencyMax; ++i) {
    ASSERT_OK(make("https://93.184.216.34/hook/" + std::to_string(i)));
  }
  auto sixth = make("https://93.184.216.34/hook/6");
  ASSERT_FALSE(sixth);
  EXPECT_EQ(sixth.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(sixth.error().reason, webhook_reason::kSubscriptionsTooMany);
  EXPECT_EQ(active(), kSubscriptionsPerAgencyMax);
}

TEST_P(SubscriptionRegistryTest, BadAddressesAndTypesAreRefusedAndNothingIsStored) {
  const std::vector<std::pair<std::string, std::string_view>> refused{
      {"http://93.184.216.34/hook", webhook_reason::kUrlNotHttps},
      {"https://127.0.0.1:8443/hook", webhook_reason::kUrlPrivate},
      {"https://localhost/hook", webhook_reason::kUrlPrivate},
      {"https://10.20.30.40/hook", webhook_reason::kUrlPrivate},
      {"https://192.168.1.1/hook", webhook_reason::kUrlPrivate},
      {"https://169.254.169.254/latest/meta-data", webhook_reason::kUrlPrivate},
      {"https://[::1]/hook", webhook_reason::kUrlPrivate},
      {"https://[fd00::1]/hook", webhook_reason::kUrlPrivate},
      {"https://user:secret@93.184.216.34/hook", webhook_reason::kUrlInvalid},
  };
  for (const auto& [url, reason] : refused) {
    auto made = make(url);
    ASSERT_FALSE(made) << url;
    EXPECT_EQ(made.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(made.error().reason, reason) << url << ": " << made.error().message;
  }
  for (const std::vector<std::string>& types : std::vector<std::vector<std::string>>{
           {}, {"birth", "birth"}, {"new_family"}, {"correction"}, {"birth", "death", "move", "marriage", "divorce", "x"}}) {
    auto made = make("https://93.184.216.34/hook", types);
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().reason, webhook_reason::kEventTypesInvalid);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_subscriptions"), 0);
  EXPECT_TRUE(audited("agency.subscribe").empty());
  // A host whose name resolves to a private address is refused like the address itself.
  const HostResolver inside = [](std::string_view) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{"10.0.0.7"};
  };
  EXPECT_EQ(make("https://hooks.bpjs-kesehatan.go.id/e", {"birth"}, {false, inside}).error().reason,
            webhook_reason::kUrlPrivate);
  // Where the server allows private webhooks (development and tests), loopback is fine; http never.
  EXPECT_OK(make("https://127.0.0.1:8443/hook", {"birth"}, {true, {}}));
  EXPECT_EQ(make("http://127.0.0.1:8443/hook", {"birth"}, {true, {}}).error().reason, webhook_reason::kUrlNotHttps);
}

TEST_P(SubscriptionRegistryTest, AnotherAgencysSubscriptionReadsAsUnknown) {
  auto mine = make("https://93.184.216.34/hook");
  ASSERT_OK(mine);
  ASSERT_OK(create_agency(db(), {"bank-tegal", "Bank Tegal", AgencyKind::kBank}, kAdmin));
  ASSERT_OK(add_agreement(db(), test_fixture::subscribe_agreement("bank-tegal", "PKS/T/1", {"3376"}), kAdmin));
  auto key = issue_api_key(db(), "bank-tegal", "", kAdmin);
  ASSERT_OK(key);
  const AgencyCaller other = authenticated(key->secret);
  auto refused = delete_subscription(db(), other, mine->id, kNowMs);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().reason, webhook_reason::kSubscriptionUnknown);
  EXPECT_EQ(active(), 1u);
}

EKTP_INSTANTIATE_FOR_BACKENDS(SubscriptionRegistryTest);

}  // namespace
}  // namespace ektp::agency
