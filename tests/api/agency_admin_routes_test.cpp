// The admin's agency routes, end to end through HTTP on SQLite and PostgreSQL: an agency, its
// agreement and a key made by an admin; the key (shown once) works for a verification; it is
// listed without its secret; suspended, it is refused 403 and resumed it works; revoked it is
// refused 401; the public list shows the agreement's purposes and fields and nothing secret; an
// operator, a caller without a session and bad input (naming the field) are refused.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/agency_routes.h"
#include "support/route_fixture.h"

namespace ektp::test {
namespace {

class AgencyAdminRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    load_demo_regency(40);
    api::add_agency_routes(router, *services);
    api::add_agency_admin_routes(router, *services);
    admin = admin_token;  // the fixture's approved admin
    ASSERT_FALSE(admin.empty());
    operator_token = office_user("op.pemalang", Role::kOperator, "3327");
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto row = (*conn)->execute("SELECT nik, name FROM persons WHERE alive = 1 ORDER BY nik LIMIT 1");
    ASSERT_OK(row);
    nik = row->rows.front().text(0);
    name = row->rows.front().text(1);
  }
  HttpResponse with_key(const std::string& key) {
    HttpRequest request;
    request.method = "POST";
    request.target = request.path = "/api/v1/agency/verify";
    request.body = fmt::format(R"({{"nik":"{}","purpose":"verifikasi peserta","fields":{{"name":"{}"}}}})", nik, name);
    request.authorization = "ApiKey " + key;
    bool allowed = false;
    const Handler* handler = router.match(request, allowed);
    return handler == nullptr ? HttpResponse{404, "", "", {}, {}} : settle((*handler)(request));
  }
  std::string admin, operator_token, nik, name;
};

constexpr const char* kAgreement = R"({"number":"440/9/PKS/2026","purposes":["verifikasi peserta"],
  "verify_fields":["name","birth_date"],"retrieve_fields":["name"],"operations":["verify","retrieve"],
  "regions":["3327"],"name_score":true,"daily_quota":100,"valid_from":"2026-11-01","valid_until":"2027-10-31"})";

TEST_P(AgencyAdminRoutesTest, AnAdminMakesAnAgencyItsAgreementAndAKeyThatWorks) {
  const std::string agency_body = R"({"code":"bpjs-kesehatan","name":"BPJS Kesehatan","kind":"health_insurance"})";
  EXPECT_EQ(call("POST", "/api/v1/admin/agencies", "", agency_body).status, 401);
  EXPECT_EQ(call("POST", "/api/v1/admin/agencies", operator_token, agency_body).status, 403);
  ASSERT_EQ(call("POST", "/api/v1/admin/agencies", admin, agency_body).status, 201);
  EXPECT_EQ(call("POST", "/api/v1/admin/agencies", admin, agency_body).status, 409) << "the code is taken";
  ASSERT_EQ(call("POST", "/api/v1/admin/agencies/bpjs-kesehatan/agreements", admin, kAgreement).status, 201);
  auto issued = call("POST", "/api/v1/admin/agencies/bpjs-kesehatan/keys", admin, R"({"label":"produksi"})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const auto key = std::string(boost::json::parse(issued.body).at("key").as_string());
  const auto key_id = std::string(boost::json::parse(issued.body).at("key_id").as_string());
  EXPECT_EQ(with_key(key).status, 200);

  auto listed = call("GET", "/api/v1/admin/agencies/bpjs-kesehatan/keys", admin);
  ASSERT_EQ(listed.status, 200);
  EXPECT_NE(listed.body.find(key_id), std::string::npos);
  EXPECT_EQ(listed.body.find(key), std::string::npos) << "never the secret again";
  EXPECT_EQ(call("GET", "/api/v1/admin/agencies/bpjs-kesehatan/keys", operator_token).status, 403);

  ASSERT_EQ(call("POST", "/api/v1/admin/agency-keys/" + key_id + "/suspend", admin, R"({"reason":"sapuan NIK berurutan"})").status, 200);
  EXPECT_EQ(with_key(key).status, 403);
  ASSERT_EQ(call("POST", "/api/v1/admin/agency-keys/" + key_id + "/resume", admin).status, 200);
  EXPECT_EQ(with_key(key).status, 200);
  ASSERT_EQ(call("POST", "/api/v1/admin/agency-keys/" + key_id + "/revoke", admin).status, 200);
  EXPECT_EQ(with_key(key).status, 401);
  EXPECT_EQ(audited(kRootAdmin, "agency.key_issue"), 1);

  // The public list: who may see what and why; no key, no quota.
  auto open = call("GET", "/api/v1/agencies", "");
  ASSERT_EQ(open.status, 200) << open.body;
  const auto agency = boost::json::parse(open.body).at("agencies").at(0).as_object();
  EXPECT_EQ(agency.at("name").as_string(), "BPJS Kesehatan");
  EXPECT_EQ(agency.at("agreements").at(0).at("purposes").at(0).as_string(), "verifikasi peserta");
  EXPECT_EQ(open.body.find("daily_quota"), std::string::npos);
  EXPECT_EQ(open.body.find(key_id), std::string::npos);
}

TEST_P(AgencyAdminRoutesTest, BadInputNamesItsField) {
  ASSERT_EQ(call("POST", "/api/v1/admin/agencies", admin, R"({"code":"bank-x","name":"Bank X","kind":"bank"})").status, 201);
  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"code":"Bad Code","name":"X","kind":"bank"})", "code"},
           {R"({"code":"bank-y","name":"Y","kind":"casino"})", "kind"}}) {
    auto r = call("POST", "/api/v1/admin/agencies", admin, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
  }
  std::string agreement = kAgreement;
  for (const auto& [from, to, field] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {R"("name","birth_date"])", R"("name","hobby"])", "hobby"},
           {R"("valid_until":"2027-10-31")", R"("valid_until":"2027-02-30")", "valid_until"},
           {R"("regions":["3327"])", R"("regions":["33x7"])", "regions"},
           {R"("daily_quota":100)", R"("daily_quota":"banyak")", "daily_quota"},
           {R"("operations":["verify","retrieve"])", R"("operations":["verify","peek"])", "operations"}}) {
    auto body = agreement;
    body.replace(body.find(from), from.size(), to);
    auto r = call("POST", "/api/v1/admin/agencies/bank-x/agreements", admin, body);
    EXPECT_EQ(r.status, 400) << to << " → " << r.body;
    EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
  }
  EXPECT_EQ(call("POST", "/api/v1/admin/agencies/nobody/agreements", admin, kAgreement).status, 404);
  EXPECT_EQ(call("POST", "/api/v1/admin/agency-keys/0000000000000000/revoke", admin).status, 404);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AgencyAdminRoutesTest);

}  // namespace
}  // namespace ektp::test
