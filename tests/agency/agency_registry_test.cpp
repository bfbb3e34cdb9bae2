// Agencies and agreements on SQLite and PostgreSQL: creating them (audited), every refusal naming
// its field, the agreement in force over time, and the public list.
#include "agency/agency_registry.h"

#include <gtest/gtest.h>

#include <functional>

#include "agency_fixture.h"

namespace ektp::agency {
namespace {

using test_fixture::kAdmin;
using test_fixture::kDayMs;
using test_fixture::kNowMs;
using test_fixture::valid_agreement;

class AgencyRegistryTest : public test_fixture::AgencyTest {};

TEST_P(AgencyRegistryTest, CreatesAgenciesOnceAndRefusesBadOnes) {
  EXPECT_EQ(audited("agency.create"), std::vector<std::string>{"bpjs-kesehatan|BPJS Kesehatan (health_insurance)"});
  ASSERT_OK(create_agency(db(), {"bank-bri", "Bank Rakyat Indonesia", AgencyKind::kBank}, kAdmin));
  auto again = create_agency(db(), {"bank-bri", "BRI", AgencyKind::kBank}, kAdmin);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().reason, agency_reason::kAgencyExists);
  for (const char* code : {"b", "Bank", "bank bri", "1bank", "bank-", "bank--bri", "bank_bri",
                           "a234567890123456789012345678901234"}) {
    SCOPED_TRACE(code);
    EXPECT_ERROR(create_agency(db(), {code, "Bank", AgencyKind::kBank}, kAdmin), ErrorCode::kInvalidArgument, "code:");
  }
  EXPECT_ERROR(create_agency(db(), {"kua-pemalang", "", AgencyKind::kMarriageOffice}, kAdmin),
               ErrorCode::kInvalidArgument, "name:");
  EXPECT_ERROR(create_agency(db(), {"kua-pemalang", "KUA", AgencyKind::kMarriageOffice}, {"", kNowMs}),
               ErrorCode::kInvalidArgument, "actor:");
  EXPECT_ERROR(parse_agency_kind("insurance"), ErrorCode::kInvalidArgument, "kind:");
  EXPECT_EQ(*parse_agency_kind("marriage_office"), AgencyKind::kMarriageOffice);
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto bri = find_agency(**conn, "bank-bri");
  ASSERT_OK(bri);
  EXPECT_EQ(bri->name, "Bank Rakyat Indonesia");
  EXPECT_EQ(bri->kind, AgencyKind::kBank);
  EXPECT_EQ(find_agency(**conn, "bank-bni").error().reason, agency_reason::kAgencyUnknown);
}

TEST_P(AgencyRegistryTest, AddsAnAgreementAndAuditsIt) {
  auto id = add_agreement(db(), valid_agreement("440/001/PKS/2026", kNowMs - kDayMs, kNowMs + 365 * kDayMs), kAdmin);
  ASSERT_OK(id);
  EXPECT_GT(*id, 0);
  auto entries = audited("agency.agreement");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_NE(entries[0].find("bpjs-kesehatan|PKS 440/001/PKS/2026: verify,retrieve"), std::string::npos) << entries[0];
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto stored = agreements_of(**conn, "bpjs-kesehatan");
  ASSERT_OK(stored);
  ASSERT_EQ(stored->size(), 1u);
  const Agreement& agreement = stored->front();
  EXPECT_EQ(agreement.id, *id);
  EXPECT_EQ(agreement.purposes, (std::vector<std::string>{"verifikasi peserta JKN", "pemutakhiran data peserta"}));
  EXPECT_EQ(agreement.verify_fields, (std::set<std::string>{"birth_date", "mother_name", "name", "nik"}));
  EXPECT_TRUE(agreement.may_retrieve("family"));
  EXPECT_FALSE(agreement.may_retrieve("mother_name"));
  EXPECT_TRUE(agreement.allows(AgencyOperation::kRetrieve));
  EXPECT_FALSE(agreement.allows(AgencyOperation::kBulkMatch));
  EXPECT_TRUE(agreement.covers_region("3327012001"));
  EXPECT_TRUE(agreement.name_score);
  EXPECT_EQ(agreement.daily_quota, 1000);
  // The same PKS number twice: refused.
  auto again = add_agreement(db(), valid_agreement("440/001/PKS/2026", kNowMs, kNowMs + kDayMs), kAdmin);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().reason, agency_reason::kAgreementExists);
  // An agency that does not exist.
  Agreement stranger = valid_agreement("1", kNowMs, kNowMs + kDayMs);
  stranger.agency_code = "bank-bni";
  EXPECT_EQ(add_agreement(db(), stranger, kAdmin).error().reason, agency_reason::kAgencyUnknown);
}

TEST_P(AgencyRegistryTest, EveryRefusalNamesItsField) {
  struct Case {
    const char* what;
    std::function<void(Agreement&)> change;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"no number", [](Agreement& a) { a.number.clear(); }, "number:"},
      {"no purpose", [](Agreement& a) { a.purposes.clear(); }, "purposes:"},
      {"11 purposes", [](Agreement& a) { a.purposes.assign(11, "x"); }, "purposes:"},
      {"empty purpose", [](Agreement& a) { a.purposes[1].clear(); }, "purposes[1]"},
      {"control character", [](Agreement& a) { a.purposes[0] = "a\nb"; }, "purposes[0]"},
      {"unknown verify field", [](Agreement& a) { a.verify_fields.insert("salary"); }, "verify_fields: unknown field 'salary'"},
      {"family verified", [](Agreement& a) { a.verify_fields.insert("family"); }, "verify_fields: unknown field 'family'"},
      {"unknown retrieve field", [](Agreement& a) { a.retrieve_fields.insert("photo"); }, "retrieve_fields: unknown field 'photo'"},
      {"retrieve beyond verify", [](Agreement& a) { a.retrieve_fields.insert("religion"); }, "retrieve_fields: 'religion'"},
      {"retrieve without operation", [](Agreement& a) { a.operations.erase(AgencyOperation::kRetrieve); }, "retrieve_fields:"},
      {"operation without fields", [](Agreement& a) { a.retrieve_fields.clear(); }, "retrieve_fields:"},
      {"verify without fields",
       [](Agreement& a) {
         a.verify_fields.clear();
         a.retrieve_fields = {"family"};
       },
       "verify_fields:"},
      {"no operation",
       [](Agreement& a) {
         a.operations.clear();
         a.retrieve_fields.clear();
       },
       "operations:"},
      {"marriage by an insurer", [](Agreement& a) { a.operations.insert(AgencyOperation::kRecordMarriage); }, "operations: record_marriage"},
      {"no region", [](Agreement& a) { a.regions.clear(); }, "regions:"},
      {"all and more", [](Agreement& a) { a.regions = {"all", "33"}; }, "regions:"},
      {"three digits", [](Agreement& a) { a.regions = {"33", "332"}; }, "regions[1]: '332'"},
      {"letters", [](Agreement& a) { a.regions = {"33AB"}; }, "regions[0]"},
      {"no such region", [](Agreement& a) { a.regions = {"99"}; }, "regions[0]: no region"},
      {"twice", [](Agreement& a) { a.regions = {"3327", "3327"}; }, "regions[1]"},
      {"quota 0", [](Agreement& a) { a.daily_quota = 0; }, "daily_quota:"},
      {"quota too big", [](Agreement& a) { a.daily_quota = 10'000'001; }, "daily_quota:"},
      {"until before from", [](Agreement& a) { a.valid_until_ms = a.valid_from_ms - 1; }, "valid_until_ms:"},
      {"until at from", [](Agreement& a) { a.valid_until_ms = a.valid_from_ms; }, "valid_until_ms:"},
  };
  for (const Case& c : cases) {
    Agreement agreement = valid_agreement("PKS-" + std::string(c.what), kNowMs, kNowMs + kDayMs);
    c.change(agreement);
    SCOPED_TRACE(c.what);
    EXPECT_ERROR(add_agreement(db(), agreement, kAdmin), ErrorCode::kInvalidArgument, c.message);
  }
  // Limits that are allowed.
  Agreement edge = valid_agreement("edge", kNowMs, kNowMs + kDayMs);
  edge.purposes.assign(10, "tujuan");
  edge.regions = {"33", "3327", "332701", "3327012001"};
  edge.daily_quota = 10'000'000;
  EXPECT_OK(add_agreement(db(), edge, kAdmin));
  EXPECT_TRUE(audited("agency.agreement").size() == 1u);
  // A marriage office may record marriages.
  ASSERT_OK(create_agency(db(), {"kua-pemalang", "KUA Pemalang", AgencyKind::kMarriageOffice}, kAdmin));
  Agreement kua = valid_agreement("KUA/1", kNowMs, kNowMs + kDayMs);
  kua.agency_code = "kua-pemalang";
  kua.operations.insert(AgencyOperation::kRecordMarriage);
  kua.regions = {"3327"};
  EXPECT_OK(add_agreement(db(), kua, kAdmin));
}

TEST_P(AgencyRegistryTest, RegionsCoverTheirPrefixesOnly) {
  Agreement agreement = valid_agreement("r", kNowMs, kNowMs + kDayMs);
  agreement.regions = {"3327", "31"};
  EXPECT_TRUE(agreement.covers_region("3327012001"));
  EXPECT_TRUE(agreement.covers_region("3171010001"));
  EXPECT_FALSE(agreement.covers_region("3328010001"));
}

TEST_P(AgencyRegistryTest, TheAgreementInForceOverTime) {
  const std::int64_t year_ms = 365 * kDayMs;
  auto conn = db().connect();
  ASSERT_OK(conn);
  // None at all.
  auto none = agreement_in_force(**conn, "bpjs-kesehatan", kNowMs);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(none.error().reason, agency_reason::kAgreementNotInForce);

  ASSERT_OK(add_agreement(db(), valid_agreement("first", kNowMs, kNowMs + year_ms), kAdmin));
  // Not yet.
  EXPECT_ERROR(agreement_in_force(**conn, "bpjs-kesehatan", kNowMs - 1), ErrorCode::kPermissionDenied,
               "the next starts on 2026-12-03");
  // In force from its first millisecond.
  EXPECT_EQ(agreement_in_force(**conn, "bpjs-kesehatan", kNowMs)->number, "first");
  EXPECT_EQ(agreement_in_force(**conn, "bpjs-kesehatan", kNowMs + year_ms - 1)->number, "first");
  // Expired at its end.
  auto expired = agreement_in_force(**conn, "bpjs-kesehatan", kNowMs + year_ms);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().reason, agency_reason::kAgreementNotInForce);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos) << expired.error().message;

  // A newer one, signed to start half way, replaces it from its start (and the first is back
  // in force neither after the second ends nor before).
  Agreement second = valid_agreement("second", kNowMs + year_ms / 2, kNowMs + 2 * year_ms);
  second.daily_quota = 5000;
  ASSERT_OK(add_agreement(db(), second, kAdmin));
  EXPECT_EQ(agreement_in_force(**conn, "bpjs-kesehatan", kNowMs + year_ms / 2 - 1)->number, "first");
  auto replaced = agreement_in_force(**conn, "bpjs-kesehatan", kNowMs + year_ms / 2);
  ASSERT_OK(replaced);
  EXPECT_EQ(replaced->number, "second");
  EXPECT_EQ(replaced->daily_quota, 5000);
  EXPECT_EQ(agreement_in_force(**conn, "bpjs-kesehatan", kNowMs + year_ms)->number, "second");
  EXPECT_FALSE(agreement_in_force(**conn, "bpjs-kesehatan", kNowMs + 2 * year_ms).has_value());
  // Another agency's agreements are not this one's.
  EXPECT_FALSE(agreement_in_force(**conn, "bank-bri", kNowMs).has_value());
}

TEST_P(AgencyRegistryTest, ThePublicListShowsWhoMaySeeWhatAndWhy) {
  ASSERT_OK(create_agency(db(), {"bank-bri", "Bank Rakyat Indonesia", AgencyKind::kBank}, kAdmin));
  ASSERT_OK(add_agreement(db(), valid_agreement("first", kNowMs, kNowMs + kDayMs), kAdmin));
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto listed = list_agencies(**conn);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].code, "bank-bri");
  EXPECT_TRUE((*listed)[0].agreements.empty());
  const PublicAgency& bpjs = (*listed)[1];
  EXPECT_EQ(bpjs.name, "BPJS Kesehatan");
  EXPECT_EQ(bpjs.kind, "health_insurance");
  ASSERT_EQ(bpjs.agreements.size(), 1u);
  const PublicAgreement& shown = bpjs.agreements[0];
  EXPECT_EQ(shown.number, "first");
  EXPECT_EQ(shown.purposes.size(), 2u);
  // In the order of the profile, family last.
  EXPECT_EQ(shown.verify_fields, (std::vector<std::string>{"nik", "name", "birth_date", "mother_name"}));
  EXPECT_EQ(shown.retrieve_fields, (std::vector<std::string>{"name", "birth_date", "family"}));
  EXPECT_EQ(shown.operations, (std::vector<std::string>{"verify", "retrieve"}));
  EXPECT_EQ(shown.regions, std::vector<std::string>{"all"});
}

EKTP_INSTANTIATE_FOR_BACKENDS(AgencyRegistryTest);

}  // namespace
}  // namespace ektp::agency
