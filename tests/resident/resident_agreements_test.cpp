// The agreements that cover a resident, on SQLite and PostgreSQL: of each agency the agreement in
// force now, when its regions include the resident's village — not one for another regency, not
// one expired or yet to start — with its purposes and fields in the profile's order.
#include "resident/resident_agreements.h"

#include <gtest/gtest.h>

#include "agency/agency_registry.h"
#include "resident_fixture.h"

namespace ektp::resident {
namespace {

using test_fixture::kDayMs;
using test_fixture::kNowMs;

agency::Agreement agreement(std::string agency_code, std::string number, std::vector<std::string> regions,
                            std::int64_t from_ms, std::int64_t until_ms) {
  agency::Agreement out;
  out.agency_code = std::move(agency_code);
  out.number = std::move(number);
  out.purposes = {"verifikasi peserta JKN"};
  out.verify_fields = {"mother_name", "name", "birth_date"};
  out.retrieve_fields = {"family", "name"};
  out.operations = {agency::AgencyOperation::kVerify, agency::AgencyOperation::kRetrieve};
  out.regions = std::move(regions);
  out.daily_quota = 100;
  out.valid_from_ms = from_ms;
  out.valid_until_ms = until_ms;
  return out;
}

class ResidentAgreementsTest : public test_fixture::ResidentTest {
 protected:
  void SetUp() override {
    ResidentTest::SetUp();
    if (IsSkipped()) return;
    const agency::AgencyChange admin{"admin.pusat", kNowMs - 30 * kDayMs};
    for (auto [code, name, kind] : {std::tuple{"bpjs-kesehatan", "BPJS Kesehatan", agency::AgencyKind::kHealthInsurance},
                                    std::tuple{"bank-jateng", "Bank Jateng", agency::AgencyKind::kBank},
                                    std::tuple{"rs-tegal", "RSUD Tegal", agency::AgencyKind::kHospital},
                                    std::tuple{"kua-lama", "KUA Lama", agency::AgencyKind::kMarriageOffice}}) {
      ASSERT_OK(agency::create_agency(db(), {code, name, kind}, admin));
    }
    ASSERT_OK(agency::add_agreement(db(), agreement("bpjs-kesehatan", "PKS/1", {"3327"}, kNowMs - kDayMs, kNowMs + kDayMs),
                                    admin));
    ASSERT_OK(agency::add_agreement(db(), agreement("bank-jateng", "PKS/2", {"all"}, kNowMs - kDayMs, kNowMs + kDayMs),
                                    admin));
    ASSERT_OK(agency::add_agreement(db(), agreement("rs-tegal", "PKS/3", {"3328"}, kNowMs - kDayMs, kNowMs + kDayMs),
                                    admin));
    ASSERT_OK(agency::add_agreement(
        db(), agreement("kua-lama", "PKS/4", {"3327"}, kNowMs - 20 * kDayMs, kNowMs - 10 * kDayMs), admin));
  }
};

TEST_P(ResidentAgreementsTest, TheAgreementsInForceForTheResidentsRegion) {
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto covering = agreements_covering(**conn, resident.nik, kNowMs);
  ASSERT_OK(covering);
  ASSERT_EQ(covering->size(), 2u);
  EXPECT_EQ((*covering)[0].agency_code, "bank-jateng");  // national
  EXPECT_EQ((*covering)[1].agency_code, "bpjs-kesehatan");
  EXPECT_EQ((*covering)[1].agency_name, "BPJS Kesehatan");
  EXPECT_EQ((*covering)[1].agency_kind, "health_insurance");
  EXPECT_EQ((*covering)[1].number, "PKS/1");
  EXPECT_EQ((*covering)[1].purposes, (std::vector<std::string>{"verifikasi peserta JKN"}));
  EXPECT_EQ((*covering)[1].verify_fields, (std::vector<std::string>{"name", "birth_date", "mother_name"}));
  EXPECT_EQ((*covering)[1].retrieve_fields, (std::vector<std::string>{"name", "family"}));
  EXPECT_EQ((*covering)[1].operations, (std::vector<std::string>{"verify", "retrieve"}));
  // Before any starts, nothing covers.
  auto earlier = agreements_covering(**conn, resident.nik, kNowMs - 5 * kDayMs);
  ASSERT_OK(earlier);
  EXPECT_TRUE(earlier->empty());
  EXPECT_ERROR(agreements_covering(**conn, "3327019999999999", kNowMs), ErrorCode::kNotFound, "no resident");
}

EKTP_INSTANTIATE_FOR_BACKENDS(ResidentAgreementsTest);

}  // namespace
}  // namespace ektp::resident
