// POST /api/v1/agency/marriages as two marriage offices (KUA) of regency 3327 would call it, on
// SQLite and PostgreSQL: a marriage recorded by one office is the registry's marriage event (both
// kawin, the wife on the husband's card, audited with the office), so the next office is refused
// when it tries to marry her again, and a married husband needs the court's permission attached;
// the same certificate again replays, with other details it is refused and nothing changes.
// Refused callers: no key, a revoked key, an agency whose agreement lacks the operation, a purpose
// or resident outside the agreement; bad input: a malformed NIK (naming its field), an unknown
// NIK, an under-age spouse, an oversized certificate number.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "api/agency_routes.h"
#include "registry/person_store.h"
#include "support/route_fixture.h"

namespace ektp::test {
namespace {

constexpr const char* kPurpose = "pencatatan perkawinan";

class AgencyMarriageRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    load_demo_regency(400);
    api::add_agency_marriage_routes(router, *services);
    kua_tegal = office("kua-tegal", "KUA Kecamatan Tegal Selatan", {agency::AgencyOperation::kRecordMarriage});
    kua_brebes = office("kua-brebes", "KUA Kecamatan Brebes", {agency::AgencyOperation::kRecordMarriage});
    bpjs = office("bpjs-kesehatan", "BPJS Kesehatan", {agency::AgencyOperation::kVerify},
                  agency::AgencyKind::kHealthInsurance);
    auto conn = db().connect();
    ASSERT_OK(conn);
    const auto single = [&](const char* sex) {
      auto rows = (*conn)->execute(fmt::format("SELECT nik FROM persons WHERE alive = 1 AND sex = '{}' AND "
                                               "marital_status = 'belum_kawin' AND birth_date < '2005-01-01' "
                                               "ORDER BY nik LIMIT 3",
                                               sex));
      EXPECT_TRUE(rows && rows->rows.size() == 3u);
      std::vector<std::string> niks;
      for (const auto& r : rows->rows) niks.push_back(r.text(0));
      return niks;
    };
    men = single("M");
    women = single("F");
    auto child = (*conn)->execute("SELECT nik FROM persons WHERE alive = 1 AND sex = 'F' AND birth_date > '2012-01-01' LIMIT 1");
    ASSERT_OK(child);
    ASSERT_FALSE(child->rows.empty());
    child_nik = child->rows.front().text(0);
  }

  std::string office(const std::string& code, const std::string& name, std::set<agency::AgencyOperation> operations,
                     agency::AgencyKind kind = agency::AgencyKind::kMarriageOffice) {
    agency::Agreement pks;
    pks.number = "PKS/" + code + "/2026";
    pks.purposes = {kind == agency::AgencyKind::kMarriageOffice ? kPurpose : "verifikasi peserta JKN"};
    pks.verify_fields = {"name"};
    pks.operations = std::move(operations);
    pks.regions = {"3327"};
    pks.daily_quota = 50;
    const auto issued = register_agency(code, name, kind, pks);
    key_ids[issued.secret] = issued.key_id;
    return issued.secret;
  }

  HttpResponse marry(const std::string& key, const std::string& certificate, const std::string& husband,
                     const std::string& wife, const std::string& extra = "", const std::string& purpose = kPurpose) {
    const auto body = fmt::format(
        R"({{"purpose":"{}","certificate_number":"{}","husband_nik":"{}","wife_nik":"{}","date":"2026-11-20"{}}})",
        purpose, certificate, husband, wife, extra);
    return agency_post("/api/v1/agency/marriages", body, key);
  }
  Person person(const std::string& nik) {
    auto conn = db().connect();
    auto p = registry::load_person(**conn, nik);
    EXPECT_OK(p);
    return p ? *p : Person{};
  }
  std::int64_t marriages() {
    auto conn = db().connect();
    auto n = (*conn)->execute("SELECT COUNT(*) FROM events WHERE type = 'marriage'");
    return n ? n->rows.front().integer(0) : -1;
  }
  static std::string reason_of(const HttpResponse& r) {
    auto body = boost::json::parse(r.body);
    const auto* reason = body.at("error").as_object().if_contains("reason");
    return reason ? std::string(reason->as_string()) : std::string();
  }

  std::string kua_tegal, kua_brebes, bpjs, child_nik;
  std::vector<std::string> men, women;
  std::map<std::string, std::string> key_ids;
};

TEST_P(AgencyMarriageRoutesTest, AMarriageRecordedByOneOfficeIsSeenByTheNext) {
  auto recorded = marry(kua_tegal, "0417/012/XI/2026", men[0], women[0]);
  ASSERT_EQ(recorded.status, 200) << recorded.body;
  auto answer = boost::json::parse(recorded.body).as_object();
  EXPECT_FALSE(answer.at("replayed").as_bool());
  EXPECT_EQ(answer.at("marital_status").as_string(), "kawin");
  EXPECT_EQ(recorded.body.find(person(men[0]).name), std::string::npos) << "no value the office did not send";
  const auto husband = person(men[0]);
  const auto wife = person(women[0]);
  EXPECT_EQ(husband.marital_status, MaritalStatus::kKawin);
  EXPECT_EQ(wife.marital_status, MaritalStatus::kKawin);
  if (husband.relation == FamilyRelation::kKepalaKeluarga) {
    EXPECT_EQ(wife.kk_number, husband.kk_number);
  }
  EXPECT_EQ(audited("agency:kua-tegal", "event.marriage"), 1);
  EXPECT_EQ(audited("agency:kua-tegal", "agency.marriage"), 1);

  // The next office: the wife is married; nothing changes.
  auto again = marry(kua_brebes, "0101/003/XII/2026", men[1], women[0]);
  ASSERT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(reason_of(again), "already_married");
  EXPECT_NE(again.body.find("wife_nik"), std::string::npos);
  EXPECT_EQ(person(men[1]).marital_status, MaritalStatus::kBelumKawin);
  EXPECT_EQ(marriages(), 1);

  // The husband is married: only with the court's permission attached.
  auto second = marry(kua_brebes, "0102/003/XII/2026", men[0], women[1]);
  ASSERT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(reason_of(second), "court_permission_required");
  EXPECT_EQ(person(women[1]).marital_status, MaritalStatus::kBelumKawin);
  auto permitted = marry(kua_brebes, "0103/003/XII/2026", men[0], women[1],
                         R"(,"documents":[{"type":"izin_pengadilan","number":"12/Pdt.P/2026/PA.Tgl"}])");
  ASSERT_EQ(permitted.status, 200) << permitted.body;
  EXPECT_EQ(person(women[1]).marital_status, MaritalStatus::kKawin);
  EXPECT_EQ(marriages(), 2);
}

TEST_P(AgencyMarriageRoutesTest, TheSameCertificateReplaysAndOtherDetailsAreRefused) {
  auto first = marry(kua_tegal, "0500/020/XI/2026", men[2], women[2]);
  ASSERT_EQ(first.status, 200) << first.body;
  const auto event_id = boost::json::parse(first.body).at("event_id").as_int64();
  auto repeat = marry(kua_tegal, "0500/020/XI/2026", men[2], women[2]);
  ASSERT_EQ(repeat.status, 200) << repeat.body;
  auto answer = boost::json::parse(repeat.body).as_object();
  EXPECT_TRUE(answer.at("replayed").as_bool());
  EXPECT_EQ(answer.at("event_id").as_int64(), event_id);
  auto other = marry(kua_tegal, "0500/020/XI/2026", men[1], women[1]);
  ASSERT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(reason_of(other), "marriage_certificate_recorded");
  EXPECT_EQ(person(men[1]).marital_status, MaritalStatus::kBelumKawin);
  EXPECT_EQ(marriages(), 1);
  EXPECT_EQ(audited("agency:kua-tegal", "agency.marriage"), 1);
}

TEST_P(AgencyMarriageRoutesTest, CallersOutsideTheAgreementAreRefused) {
  auto no_key = marry("", "1/1", men[0], women[0]);
  EXPECT_EQ(no_key.status, 401);
  EXPECT_EQ(reason_of(no_key), "agency_key_invalid");
  auto not_agreed = marry(bpjs, "1/2", men[0], women[0]);
  EXPECT_EQ(not_agreed.status, 403);
  EXPECT_EQ(reason_of(not_agreed), "agency_operation_not_agreed");
  auto purpose = marry(kua_tegal, "1/3", men[0], women[0], "", "pemasaran");
  EXPECT_EQ(purpose.status, 403);
  EXPECT_EQ(reason_of(purpose), "agency_purpose_not_agreed");
  ASSERT_OK(agency::revoke_api_key(db(), key_ids[kua_brebes], {"admin.pusat", now_ms()}));
  auto revoked = marry(kua_brebes, "1/4", men[0], women[0]);
  EXPECT_EQ(revoked.status, 401) << revoked.body;
  EXPECT_EQ(marriages(), 0);
  EXPECT_EQ(person(men[0]).marital_status, MaritalStatus::kBelumKawin);
}

TEST_P(AgencyMarriageRoutesTest, BadInputIsNamedAndChangesNothing) {
  auto malformed = marry(kua_tegal, "2/1", men[0], "33270155089000");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(reason_of(malformed), "nik_invalid");
  EXPECT_NE(malformed.body.find("wife_nik"), std::string::npos);
  auto unknown = marry(kua_tegal, "2/2", men[0], "3327015508909999");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(reason_of(unknown), "nik_unknown");
  auto young = marry(kua_tegal, "2/3", men[0], child_nik);
  EXPECT_EQ(young.status, 409) << young.body;
  EXPECT_NE(young.body.find("minimum age"), std::string::npos);
  auto long_number = marry(kua_tegal, std::string(41, '7'), men[0], women[0]);
  EXPECT_EQ(long_number.status, 400);
  EXPECT_NE(long_number.body.find("certificate_number"), std::string::npos);
  auto jakarta = office("kua-menteng", "KUA Kecamatan Menteng", {agency::AgencyOperation::kRecordMarriage});
  ASSERT_OK(store::with_write_transaction<bool>(db(), [](store::Connection& c) -> Result<bool> {
    EKTP_RETURN_IF_ERROR(c.execute("UPDATE agency_agreements SET regions = '3171' WHERE agency_code = 'kua-menteng'"));
    return true;
  }));
  auto outside = marry(jakarta, "2/4", men[0], women[0]);
  EXPECT_EQ(outside.status, 403) << outside.body;
  EXPECT_EQ(reason_of(outside), "agency_region_not_agreed");
  EXPECT_EQ(marriages(), 0);
  EXPECT_EQ(person(men[0]).marital_status, MaritalStatus::kBelumKawin);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AgencyMarriageRoutesTest);

}  // namespace
}  // namespace ektp::test
