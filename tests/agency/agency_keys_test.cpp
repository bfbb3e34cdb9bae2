// Agency API keys on SQLite and PostgreSQL: issued once and stored only as a hash, several at once,
// revoked, suspended and resumed (audited), and malformed or unknown keys refused alike.
#include "agency/agency_keys.h"

#include <gtest/gtest.h>

#include "agency_fixture.h"

namespace ektp::agency {
namespace {

using test_fixture::kAdmin;
using test_fixture::kDayMs;
using test_fixture::kNowMs;
using test_fixture::valid_agreement;

class AgencyKeysTest : public test_fixture::AgencyTest {
 protected:
  void SetUp() override {
    AgencyTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(add_agreement(db(), valid_agreement("PKS/1", kNowMs - kDayMs, kNowMs + 30 * kDayMs), kAdmin));
  }
  Result<AgencyCaller> authenticate(std::string_view presented, std::int64_t at_ms = kNowMs) {
    auto conn = db().connect();
    if (!conn) return std::unexpected(conn.error());
    return authenticate_agency_key(**conn, presented, at_ms);
  }
  void expect_invalid(std::string_view presented) {
    auto caller = authenticate(presented);
    ASSERT_FALSE(caller.has_value()) << presented;
    EXPECT_EQ(caller.error().code, ErrorCode::kUnauthenticated) << presented;
    EXPECT_EQ(caller.error().reason, agency_reason::kKeyInvalid) << presented;
  }
};

TEST_P(AgencyKeysTest, AnIssuedKeyAuthenticatesItsAgencyWithTheAgreementInForce) {
  auto issued = issue_api_key(db(), "bpjs-kesehatan", "server produksi", kAdmin);
  ASSERT_OK(issued);
  EXPECT_EQ(issued->key_id.size(), 16u);
  EXPECT_EQ(issued->secret.size(), 65u);
  EXPECT_TRUE(issued->secret.starts_with("ektp_" + issued->key_id + "_"));
  auto caller = authenticate(issued->secret);
  ASSERT_OK(caller);
  EXPECT_EQ(caller->agency.code, "bpjs-kesehatan");
  EXPECT_EQ(caller->key_id, issued->key_id);
  EXPECT_EQ(caller->agreement.number, "PKS/1");
  // Only the hash is stored.
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto rows = (*conn)->execute("SELECT secret_sha256 FROM agency_api_keys");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].text(0).size(), 64u);
  EXPECT_EQ(rows->rows[0].text(0).find(issued->secret.substr(22)), std::string::npos);
  EXPECT_EQ(audited("agency.key_issue").size(), 1u);
  // Past the agreement: the key is fine, the agreement is not.
  auto late = authenticate(issued->secret, kNowMs + 31 * kDayMs);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().reason, agency_reason::kAgreementNotInForce);
  // Unknown agency.
  EXPECT_EQ(issue_api_key(db(), "bank-bni", "", kAdmin).error().reason, agency_reason::kAgencyUnknown);
}

TEST_P(AgencyKeysTest, SeveralKeysAtOnceForRotationUpToALimit) {
  std::vector<IssuedKey> keys;
  for (std::size_t i = 0; i < kActiveKeysMax; ++i) {
    auto issued = issue_api_key(db(), "bpjs-kesehatan", "key " + std::to_string(i), kAdmin);
    ASSERT_OK(issued);
    keys.push_back(*issued);
  }
  for (const IssuedKey& key : keys) EXPECT_OK(authenticate(key.secret));
  EXPECT_NE(keys[0].secret, keys[1].secret);
  auto one_more = issue_api_key(db(), "bpjs-kesehatan", "", kAdmin);
  ASSERT_FALSE(one_more.has_value());
  EXPECT_EQ(one_more.error().reason, agency_reason::kKeysTooMany);
  // Rotation: revoke the oldest, issue a new one; the others keep working.
  ASSERT_OK(revoke_api_key(db(), keys[0].key_id, kAdmin));
  EXPECT_OK(issue_api_key(db(), "bpjs-kesehatan", "", kAdmin));
  expect_invalid(keys[0].secret);
  EXPECT_OK(authenticate(keys[1].secret));
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto listed = api_keys_of(**conn, "bpjs-kesehatan");
  ASSERT_OK(listed);
  EXPECT_EQ(listed->size(), kActiveKeysMax + 1);
}

TEST_P(AgencyKeysTest, ARevokedKeyIsRefusedAndAudited) {
  auto issued = issue_api_key(db(), "bpjs-kesehatan", "", kAdmin);
  ASSERT_OK(issued);
  ASSERT_OK(revoke_api_key(db(), issued->key_id, kAdmin));
  expect_invalid(issued->secret);
  EXPECT_EQ(audited("agency.key_revoke"), std::vector<std::string>{"bpjs-kesehatan|key " + issued->key_id});
  EXPECT_EQ(revoke_api_key(db(), issued->key_id, kAdmin).error().reason, agency_reason::kKeyRevoked);
  EXPECT_EQ(suspend_api_key(db(), issued->key_id, "x", kAdmin).error().reason, agency_reason::kKeyRevoked);
  EXPECT_ERROR(revoke_api_key(db(), "0123456789abcdef", kAdmin), ErrorCode::kNotFound, "key_id");
  EXPECT_ERROR(revoke_api_key(db(), "nope", kAdmin), ErrorCode::kInvalidArgument, "key_id");
}

TEST_P(AgencyKeysTest, MalformedAndUnknownKeysAreRefusedAlike) {
  auto issued = issue_api_key(db(), "bpjs-kesehatan", "", kAdmin);
  ASSERT_OK(issued);
  const std::string& good = issued->secret;
  std::string wrong_secret = good;
  wrong_secret.back() = wrong_secret.back() == 'A' ? 'B' : 'A';
  std::string unknown_id = good;
  unknown_id[5] = unknown_id[5] == '0' ? '1' : '0';
  std::string upper_id = good;
  upper_id[6] = 'G';
  std::string bad_char = good;
  bad_char[40] = '+';
  for (const std::string& presented :
       {std::string(), std::string("ektp_"), good.substr(0, 64), good + "A", "xktp" + good.substr(4), wrong_secret,
        unknown_id, upper_id, bad_char, std::string(good).replace(21, 1, "-"), std::string(1000, 'a')}) {
    expect_invalid(presented);
  }
  EXPECT_OK(authenticate(good));
}

TEST_P(AgencyKeysTest, ASuspendedKeyIsRefusedUntilResumed) {
  auto issued = issue_api_key(db(), "bpjs-kesehatan", "", kAdmin);
  auto other = issue_api_key(db(), "bpjs-kesehatan", "", kAdmin);
  ASSERT_OK(issued);
  ASSERT_OK(other);
  EXPECT_ERROR(suspend_api_key(db(), issued->key_id, "", kAdmin), ErrorCode::kInvalidArgument, "reason");
  ASSERT_OK(suspend_api_key(db(), issued->key_id, "unusual volume at night", kAdmin));
  auto refused = authenticate(issued->secret);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().reason, agency_reason::kKeySuspended);
  EXPECT_OK(authenticate(other->secret));
  EXPECT_EQ(audited("agency.key_suspend"),
            std::vector<std::string>{"bpjs-kesehatan|key " + issued->key_id + ": unusual volume at night"});
  {
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto listed = api_keys_of(**conn, "bpjs-kesehatan");
    ASSERT_OK(listed);
    bool found = false;
    for (const ApiKeyInfo& key : *listed) {
      if (key.key_id != issued->key_id) continue;
      found = true;
      EXPECT_TRUE(key.suspended);
      EXPECT_EQ(key.suspended_reason, "unusual volume at night");
    }
    EXPECT_TRUE(found);
  }
  ASSERT_OK(resume_api_key(db(), issued->key_id, kAdmin));
  EXPECT_OK(authenticate(issued->secret));
  EXPECT_EQ(audited("agency.key_resume").size(), 1u);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AgencyKeysTest);

}  // namespace
}  // namespace ektp::agency
