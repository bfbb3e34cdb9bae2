// Agency calls over HTTP (POST /api/v1/agency/verify and /retrieve) as BPJS Kesehatan would make
// them with an API key, against an agreement for a few fields of regency 3327, on SQLite and
// PostgreSQL: every claimed field answered sesuai / tidak_sesuai (a typing slip in the name still
// sesuai, with its score), nothing the caller did not send, the values retrieve may give and no
// other, each call audited with its agency, purpose and fields; refused: no key, a wrong or revoked
// key, a field or purpose outside the agreement (naming it), a malformed NIK (naming the digits),
// a resident outside the agreement's regions, and the quota crossed (429 with Retry-After).
#include "api/agency_routes.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "agency/call_burst_watch.h"
#include "registry/person_store.h"
#include "support/route_fixture.h"

namespace ektp::test {
namespace {

class AgencyRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    load_demo_regency(60);
    api::add_agency_routes(router, *services);
    agency::Agreement pks;
    pks.number = "440/77/PKS/2026";
    pks.purposes = {"verifikasi peserta JKN"};
    pks.verify_fields = {"name", "birth_date", "sex", "mother_name"};
    pks.retrieve_fields = {"name", "birth_date"};
    pks.operations = {agency::AgencyOperation::kVerify, agency::AgencyOperation::kRetrieve};
    pks.regions = {"3327"};
    pks.name_score = true;
    pks.daily_quota = 12;
    const auto issued = register_agency("bpjs-kesehatan", "BPJS Kesehatan", agency::AgencyKind::kHealthInsurance, pks);
    key = issued.secret;
    key_id = issued.key_id;
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto row = (*conn)->execute("SELECT nik FROM persons WHERE alive = 1 AND birth_date < '2000-01-01' ORDER BY nik LIMIT 1");
    ASSERT_OK(row);
    auto loaded = registry::load_person(**conn, row->rows.front().text(0));
    ASSERT_OK(loaded);
    person = *loaded;
  }

  HttpResponse verify(const std::string& fields, const std::string& nik = "", const std::string& purpose = "verifikasi peserta JKN") {
    return agency_post("/api/v1/agency/verify",
                       fmt::format(R"({{"nik":"{}","purpose":"{}","fields":{}}})", nik.empty() ? person.nik : nik, purpose, fields),
                       key);
  }
  static std::string reason_of(const HttpResponse& r) {
    return std::string(boost::json::parse(r.body).at("error").at("reason").as_string());
  }

  std::string key, key_id;
  Person person;
};

TEST_P(AgencyRoutesTest, EachClaimedFieldIsAnsweredAndNothingElse) {
  const auto birth = format_civil_date(person.birth_date);
  std::string slipped = person.name;
  slipped.back() = slipped.back() == 'A' ? 'E' : 'A';  // one letter wrong at the end
  auto right = verify(fmt::format(R"({{"name":"{}","birth_date":"{}"}})", person.name, birth));
  ASSERT_EQ(right.status, 200) << right.body;
  auto answer = boost::json::parse(right.body).as_object();
  EXPECT_TRUE(answer.at("nik_found").as_bool());
  EXPECT_FALSE(answer.at("meninggal").as_bool());
  EXPECT_EQ(answer.at("fields").at("name").at("result").as_string(), "sesuai");
  EXPECT_EQ(answer.at("fields").at("name").at("name_score").as_double(), 1.0);
  EXPECT_EQ(answer.at("fields").at("birth_date").at("result").as_string(), "sesuai");
  EXPECT_EQ(answer.at("fields").as_object().size(), 2u) << "only what was claimed";
  EXPECT_EQ(right.body.find(person.mother_name), std::string::npos) << "no value the caller did not send";

  auto wrong = verify(fmt::format(R"({{"name":"{}","birth_date":"1901-01-01","sex":"{}"}})", slipped,
                                  person.sex == Sex::kMale ? "F" : "M"));
  ASSERT_EQ(wrong.status, 200) << wrong.body;
  answer = boost::json::parse(wrong.body).as_object();
  EXPECT_EQ(answer.at("fields").at("birth_date").at("result").as_string(), "tidak_sesuai");
  EXPECT_EQ(answer.at("fields").at("sex").at("result").as_string(), "tidak_sesuai");
  EXPECT_LT(answer.at("fields").at("name").at("name_score").as_double(), 1.0);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.verify"), 2);
  EXPECT_EQ(answer.at("quota").at("used_today").as_int64(), 2);

  auto unknown = verify(R"({"name":"SITI"})", "3327010101900999");
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  EXPECT_FALSE(boost::json::parse(unknown.body).at("nik_found").as_bool());
}

TEST_P(AgencyRoutesTest, RetrieveGivesTheAgreedFieldsOnly) {
  auto got = agency_post("/api/v1/agency/retrieve",
                         fmt::format(R"({{"nik":"{}","purpose":"verifikasi peserta JKN","fields":["name","birth_date"]}})", person.nik),
                         key);
  ASSERT_EQ(got.status, 200) << got.body;
  const auto fields = boost::json::parse(got.body).at("fields").as_object();
  EXPECT_EQ(fields.at("name").as_string(), person.name);
  EXPECT_EQ(fields.size(), 2u);
  auto refused = agency_post("/api/v1/agency/retrieve",
                             fmt::format(R"({{"nik":"{}","purpose":"verifikasi peserta JKN","fields":["mother_name"]}})", person.nik),
                             key);
  ASSERT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(reason_of(refused), "agency_field_not_agreed");
  EXPECT_NE(refused.body.find("mother_name"), std::string::npos) << "it names the field";
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.retrieve"), 1) << "a refusal is not a read";
}

TEST_P(AgencyRoutesTest, CallersAndCallsOutsideTheAgreementAreRefused) {
  const auto claim = fmt::format(R"({{"name":"{}"}})", person.name);
  EXPECT_EQ(agency_post("/api/v1/agency/verify", "{}", "").status, 401);
  EXPECT_EQ(agency_post("/api/v1/agency/verify", "{}", "ektp_0000000000000000_nope").status, 401);
  auto field = verify(R"({"religion":"islam"})");
  ASSERT_EQ(field.status, 403) << field.body;
  EXPECT_EQ(reason_of(field), "agency_field_not_agreed");
  EXPECT_NE(field.body.find("religion"), std::string::npos);
  auto purpose = verify(claim, "", "pemasaran");
  ASSERT_EQ(purpose.status, 403);
  EXPECT_EQ(reason_of(purpose), "agency_purpose_not_agreed");
  auto nik = verify(claim, "3327013208900001");
  ASSERT_EQ(nik.status, 400) << nik.body;
  EXPECT_EQ(reason_of(nik), "nik_invalid");
  EXPECT_NE(nik.body.find("day 32"), std::string::npos) << nik.body;
  // A resident of another regency, outside the agreement's regions.
  auto conn = db().connect();
  ASSERT_OK(conn);
  ASSERT_OK((*conn)->execute("UPDATE persons SET village_code = '3328010001' WHERE nik = $1", {person.nik}));
  auto region = verify(claim);
  ASSERT_EQ(region.status, 403) << region.body;
  EXPECT_EQ(reason_of(region), "agency_region_not_agreed");
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.verify"), 0) << "nothing read, nothing counted";
  // A revoked key no longer works.
  ASSERT_OK(agency::revoke_api_key(db(), key_id, {"admin.pusat", now_ms()}));
  EXPECT_EQ(verify(claim).status, 401);
}

TEST_P(AgencyRoutesTest, TheDailyQuotaAnswers429WithTheResetTime) {
  const auto claim = fmt::format(R"({{"name":"{}"}})", person.name);
  for (int i = 0; i < 12; ++i) ASSERT_EQ(verify(claim).status, 200) << i;
  auto over = verify(claim);
  ASSERT_EQ(over.status, 429) << over.body;
  EXPECT_EQ(reason_of(over), "agency_quota_exceeded");
  bool retry_after = false;
  for (const auto& [name, value] : over.headers) retry_after = retry_after || (name == "Retry-After" && std::stoll(value) > 0);
  EXPECT_TRUE(retry_after);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.verify"), 12) << "the refused call is not recorded as a read";
}

TEST_P(AgencyRoutesTest, ASweepOfConsecutiveNiksSuspendsTheKeyAndAlerts) {
  // Residents who do not exist, one serial after another: a harvest, not a member check.
  for (int serial = 1; serial <= 7; ++serial) {
    ASSERT_EQ(verify(R"({"name":"SITI"})", fmt::format("33270141019{}{:04}", 0, serial)).status, 200) << serial;
  }
  EXPECT_EQ(audited("system", "alert.agency_harvest"), 0) << "seven is not yet a sweep";
  for (int serial = 8; serial <= 10; ++serial) {
    EXPECT_EQ(verify(R"({"name":"SITI"})", fmt::format("33270141019{}{:04}", 0, serial)).status, 200) << serial;
  }
  EXPECT_EQ(audited("system", "alert.agency_harvest"), 1);
  auto next = verify(fmt::format(R"({{"name":"{}"}})", person.name));
  ASSERT_EQ(next.status, 403) << next.body;
  EXPECT_EQ(reason_of(next), "agency_key_suspended");
}

TEST_P(AgencyRoutesTest, ABurstOutsideTheAgencysUsualHoursSuspendsTheKeyAndAlerts) {
  // A fortnight of office hours (08–16 WIB), then, at 02:00 WIB, 99 calls in ten minutes
  // already counted: the 100th is answered, and it suspends the key.
  now = sys_days{CivilDate{year{2026}, November, day{23}}} + hours{19};  // 24 November 02:00 WIB
  {
    auto conn = db().connect();
    ASSERT_OK(conn);
    for (int d = 1; d <= 14; ++d) {
      for (int h = 1; h <= 9; ++h) {  // 08–16 WIB is 01–09 UTC
        ASSERT_OK(agency::count_call_bucket(**conn, "bpjs-kesehatan", now_ms() - d * 86'400'000LL - (19 - h) * 3'600'000LL, 20));
      }
    }
    ASSERT_OK(agency::count_call_bucket(**conn, "bpjs-kesehatan", now_ms(), agency::kBurstCallsMin - 1));
  }
  const auto claim = fmt::format(R"({{"name":"{}"}})", person.name);
  ASSERT_EQ(verify(claim).status, 200);
  EXPECT_EQ(audited("system", "alert.agency_harvest"), 1);
  auto next = verify(claim);
  ASSERT_EQ(next.status, 403) << next.body;
  EXPECT_EQ(reason_of(next), "agency_key_suspended");
}

TEST_P(AgencyRoutesTest, OrdinaryChecksOfKnownResidentsRaiseNoAlert) {
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto rows = (*conn)->execute("SELECT nik, name FROM persons WHERE alive = 1 AND village_code LIKE '3327%' ORDER BY name LIMIT 8");
  ASSERT_OK(rows);
  for (const auto& r : rows->rows) {
    EXPECT_EQ(verify(fmt::format(R"({{"name":"{}"}})", r.text(1)), r.text(0)).status, 200);
  }
  EXPECT_EQ(audited("system", "alert.agency_harvest"), 0);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AgencyRoutesTest);

}  // namespace
}  // namespace ektp::test
