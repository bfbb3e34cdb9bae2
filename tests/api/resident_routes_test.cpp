// The resident's page over HTTP, on SQLite and PostgreSQL: an officer reads a resident, BPJS
// verifies them, the officer issues a PIN (shown once), and the resident signs in with NIK, birth
// date and PIN and sees both reads — who, when, what kind, the agency's purpose and fields — and
// the agreement that covers them, reports one read, and an admin lists and resolves the report.
// Refused: no token, a staff token on a resident route, a resident reporting someone else's read,
// an operator outside the resident's office issuing a PIN (audited), an admin issuing one, an
// operator or a resident on the admin routes. Bad input: a malformed NIK, a PIN guessed wrongly
// five times (locked, even for the right PIN, until a new one is issued; then 429), an unknown
// NIK answered the same way, an oversize note, a bad limit. A wrong NIK, birth date and PIN get
// the same answer.
#include "api/resident_routes.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "api/agency_routes.h"
#include "registry/person_store.h"
#include "support/route_fixture.h"

namespace ektp::test {
namespace {

using boost::json::parse;

class ResidentRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    load_demo_regency(60);
    api::add_agency_routes(router, *services);
    api::add_resident_routes(router, *services);
    officer = office_user("budi.op", Role::kOperator, "3327");
    outsider = office_user("tegal.op", Role::kOperator, "3328");
    agency::Agreement pks;
    pks.number = "440/77/PKS/2026";
    pks.purposes = {"verifikasi peserta JKN"};
    pks.verify_fields = {"name", "birth_date"};
    pks.retrieve_fields = {"name"};
    pks.operations = {agency::AgencyOperation::kVerify, agency::AgencyOperation::kRetrieve};
    pks.regions = {"3327"};
    pks.daily_quota = 100;
    agency_key = register_agency("bpjs-kesehatan", "BPJS Kesehatan", agency::AgencyKind::kHealthInsurance, pks).secret;
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto rows = (*conn)->execute("SELECT nik FROM persons WHERE alive = 1 ORDER BY nik LIMIT 2");
    ASSERT_OK(rows);
    person = *registry::load_person(**conn, rows->rows[0].text(0));
    neighbour = *registry::load_person(**conn, rows->rows[1].text(0));
  }

  // A request with any Authorization header, its target parsed as the server does.
  HttpResponse send(const std::string& method, const std::string& target, const std::string& authorization,
                    const std::string& body = "", const std::string& address = "192.0.2.10") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    EXPECT_OK(api::parse_request_target(request));
    request.body = body;
    request.content_type = "application/json";
    request.client_address = address;
    request.authorization = authorization;
    bool method_allowed = false;
    const Handler* handler = router.match(request, method_allowed);
    if (handler == nullptr) return HttpResponse{method_allowed ? 405 : 404, "", "", {}, {}};
    return settle((*handler)(request));
  }
  HttpResponse as_resident(const std::string& method, const std::string& target, const std::string& token,
                           const std::string& body = "") {
    return send(method, target, "Resident " + token, body);
  }
  HttpResponse sign_in(const Person& who, const std::string& pin, const std::string& birth = "",
                       const std::string& address = "192.0.2.10") {
    return send("POST", "/api/v1/resident/login", "",
                fmt::format(R"({{"nik":"{}","birth_date":"{}","pin":"{}"}})", who.nik,
                            birth.empty() ? format_civil_date(who.birth_date) : birth, pin),
                address);
  }
  std::string issue_pin(const Person& who) {
    auto issued = call("POST", "/api/v1/persons/" + who.nik + "/resident-pin", officer, "");
    EXPECT_EQ(issued.status, 201) << issued.body;
    if (issued.status != 201) return "";
    return std::string(parse(issued.body).at("pin").as_string());
  }
  std::string token_of(const HttpResponse& response) {
    EXPECT_EQ(response.status, 200) << response.body;
    if (response.status != 200) return "";
    return std::string(parse(response.body).at("token").as_string());
  }
  HttpResponse bpjs_verifies(const Person& who) {
    HttpRequest request;
    request.method = "POST";
    request.target = request.path = "/api/v1/agency/verify";
    request.body = fmt::format(R"({{"nik":"{}","purpose":"verifikasi peserta JKN","fields":{{"name":"{}"}}}})",
                               who.nik, who.name);
    request.authorization = "ApiKey " + agency_key;
    bool allowed = false;
    const Handler* handler = router.match(request, allowed);
    return settle((*handler)(request));
  }
  static std::string wrong_pin(const std::string& pin) {
    std::string wrong = pin;
    wrong.back() = wrong.back() == '0' ? '1' : '0';
    return wrong;
  }

  std::string officer, outsider, agency_key;
  Person person, neighbour;
};

TEST_P(ResidentRoutesTest, AResidentSeesTheOfficerAndTheBpjsVerificationAndReportsARead) {
  ASSERT_EQ(call("GET", "/api/v1/persons/" + person.nik, officer).status, 200);
  now += seconds{30};
  ASSERT_EQ(bpjs_verifies(person).status, 200);
  now += seconds{30};
  auto issued = call("POST", "/api/v1/persons/" + person.nik + "/resident-pin", officer, "");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const auto pin_answer = parse(issued.body).as_object();
  const std::string pin(pin_answer.at("pin").as_string());
  EXPECT_EQ(pin.size(), 8u);
  EXPECT_EQ(pin_answer.at("nik").as_string(), person.nik);
  EXPECT_EQ(audited("budi.op", "resident_pin.issue"), 1);

  const std::string token = token_of(sign_in(person, pin));
  ASSERT_FALSE(token.empty());
  auto listed = as_resident("GET", "/api/v1/resident/reads", token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto answer = parse(listed.body).as_object();
  EXPECT_EQ(answer.at("nik").as_string(), person.nik);
  const auto& reads = answer.at("reads").as_array();
  ASSERT_EQ(reads.size(), 3u) << listed.body;  // the PIN, the verification, the view; not the sign-in
  EXPECT_EQ(reads[0].at("action").as_string(), "resident_pin.issue");
  const auto& verify = reads[1].as_object();
  EXPECT_EQ(verify.at("kind").as_string(), "agency_verify");
  EXPECT_EQ(verify.at("who").at("type").as_string(), "agency");
  EXPECT_EQ(verify.at("who").at("agency_name").as_string(), "BPJS Kesehatan");
  EXPECT_EQ(verify.at("who").at("agency_code").as_string(), "bpjs-kesehatan");
  EXPECT_EQ(verify.at("purpose").as_string(), "verifikasi peserta JKN");
  EXPECT_EQ(verify.at("fields").as_array().size(), 1u);
  EXPECT_EQ(verify.at("fields").as_array()[0].as_string(), "name");
  EXPECT_EQ(listed.body.find(agency_key.substr(5, 16)), std::string::npos) << "never the agency's key id";
  const auto& view = reads[2].as_object();
  EXPECT_EQ(view.at("kind").as_string(), "officer_view");
  EXPECT_EQ(view.at("action").as_string(), "read_person");
  EXPECT_EQ(view.at("who").at("username").as_string(), "budi.op");
  EXPECT_EQ(view.at("who").at("role").as_string(), "operator");
  EXPECT_EQ(view.at("who").at("office_code").as_string(), "3327");
  EXPECT_EQ(view.at("who").at("office_name").as_string(), "Kabupaten Pemalang");
  EXPECT_EQ(view.at("at").as_string(), "2026-11-23T02:00:00Z");
  EXPECT_TRUE(answer.at("next_before").is_null());
  EXPECT_EQ(audited("resident:" + person.nik, "resident.reads"), 1);

  auto agreements = as_resident("GET", "/api/v1/resident/agreements", token);
  ASSERT_EQ(agreements.status, 200) << agreements.body;
  const auto covering = parse(agreements.body).at("agreements").as_array();
  ASSERT_EQ(covering.size(), 1u);
  EXPECT_EQ(covering[0].at("agency_name").as_string(), "BPJS Kesehatan");
  EXPECT_EQ(covering[0].at("number").as_string(), "440/77/PKS/2026");
  EXPECT_EQ(covering[0].at("purposes").as_array()[0].as_string(), "verifikasi peserta JKN");

  const std::int64_t seq = view.at("seq").as_int64();
  auto reported = as_resident("POST", "/api/v1/resident/reports", token,
                              fmt::format(R"({{"seq":{},"note":"Saya tidak datang ke kantor hari itu."}})", seq));
  ASSERT_EQ(reported.status, 201) << reported.body;
  const std::int64_t report_id = parse(reported.body).at("id").as_int64();
  EXPECT_EQ(parse(reported.body).at("status").as_string(), "open");
  EXPECT_EQ(as_resident("POST", "/api/v1/resident/reports", token, fmt::format(R"({{"seq":{}}})", seq)).status, 409)
      << "once";

  auto open = call("GET", "/api/v1/admin/resident-reports", admin_token);
  ASSERT_EQ(open.status, 200) << open.body;
  const auto cases = parse(open.body).at("reports").as_array();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].at("nik").as_string(), person.nik);
  EXPECT_EQ(cases[0].at("read").at("actor").as_string(), "budi.op");
  EXPECT_EQ(audited(kRootAdmin, "read_resident_report"), 1);
  auto resolved = call("POST", fmt::format("/api/v1/admin/resident-reports/{}/resolve", report_id), admin_token,
                       R"({"resolution":"Petugas membuka data saat pembetulan alamat."})");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(parse(resolved.body).at("status").as_string(), "resolved");
  EXPECT_EQ(call("POST", fmt::format("/api/v1/admin/resident-reports/{}/resolve", report_id), admin_token,
                 R"({"resolution":"lagi"})")
                .status,
            409);
  EXPECT_EQ(parse(call("GET", "/api/v1/admin/resident-reports", admin_token).body).at("reports").as_array().size(), 0u);

  EXPECT_EQ(as_resident("POST", "/api/v1/resident/logout", token).status, 204);
  EXPECT_EQ(audited("resident:" + person.nik, "resident.logout"), 1);
  EXPECT_EQ(as_resident("GET", "/api/v1/resident/reads", token).status, 401) << "revoked at logout";
}

TEST_P(ResidentRoutesTest, CallersWhoMayNotAreRefused) {
  const std::string pin = issue_pin(person);
  const std::string token = token_of(sign_in(person, pin));
  const std::string other = token_of(sign_in(neighbour, issue_pin(neighbour)));
  // No token, a staff token, a malformed one.
  auto none = send("GET", "/api/v1/resident/reads", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(reason_of(none), "resident_session_invalid");
  EXPECT_EQ(send("GET", "/api/v1/resident/reads", "Bearer " + officer).status, 401);
  EXPECT_EQ(as_resident("GET", "/api/v1/resident/agreements", "x").status, 401);
  EXPECT_EQ(send("POST", "/api/v1/resident/reports", "", R"({"seq":1})").status, 401);
  // A resident reporting a read of someone else's data.
  ASSERT_EQ(call("GET", "/api/v1/persons/" + neighbour.nik, officer).status, 200);
  auto theirs = parse(as_resident("GET", "/api/v1/resident/reads", other).body).at("reads").as_array();
  ASSERT_FALSE(theirs.empty());
  auto foreign = as_resident("POST", "/api/v1/resident/reports", token,
                             fmt::format(R"({{"seq":{}}})", theirs[0].at("seq").as_int64()));
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(reason_of(foreign), "resident_read_not_yours");
  // An operator of another regency, and an admin (not an office's), issuing a PIN.
  auto outside = call("POST", "/api/v1/persons/" + person.nik + "/resident-pin", outsider, "");
  EXPECT_EQ(outside.status, 403) << outside.body;
  EXPECT_EQ(audited("tegal.op", "refused_resident_pin.issue"), 1);
  EXPECT_EQ(audited("tegal.op", "resident_pin.issue"), 0);
  EXPECT_EQ(call("POST", "/api/v1/persons/" + person.nik + "/resident-pin", admin_token, "").status, 403);
  EXPECT_EQ(call("POST", "/api/v1/persons/" + person.nik + "/resident-pin", "", "").status, 401);
  EXPECT_EQ(token_of(sign_in(person, pin)).empty(), false) << "the refused issues changed nothing";
  // Operators and residents on the admin routes.
  EXPECT_EQ(call("GET", "/api/v1/admin/resident-reports", officer).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/admin/resident-reports/1/resolve", officer, R"({"resolution":"x"})").status, 403);
  EXPECT_EQ(as_resident("GET", "/api/v1/admin/resident-reports", token).status, 401);
  EXPECT_EQ(call("GET", "/api/v1/admin/resident-reports", "").status, 401);
}

TEST_P(ResidentRoutesTest, APinGuessedWronglyFiveTimesIsLockedUntilTheOfficeIssuesANewOne) {
  const std::string pin = issue_pin(person);
  for (int i = 1; i < 5; ++i) {
    auto wrong = sign_in(person, wrong_pin(pin));
    EXPECT_EQ(wrong.status, 401) << i << wrong.body;
    EXPECT_EQ(reason_of(wrong), "resident_login_failed");
  }
  auto fifth = sign_in(person, wrong_pin(pin));
  EXPECT_EQ(fifth.status, 403) << fifth.body;
  EXPECT_EQ(reason_of(fifth), "resident_pin_locked");
  auto right = sign_in(person, pin);
  EXPECT_EQ(right.status, 403) << "even the right PIN: " << right.body;
  EXPECT_EQ(reason_of(right), "resident_pin_locked");
  EXPECT_EQ(right.body.find("token"), std::string::npos);
  auto held = sign_in(person, pin);
  EXPECT_EQ(held.status, 429) << "then the NIK is held back a while";
  EXPECT_TRUE(std::any_of(held.headers.begin(), held.headers.end(), [](const auto& h) { return h.first == "Retry-After"; }));
  EXPECT_EQ(audited("public", "resident.login_failed"), 5);
  EXPECT_EQ(audited("public", "resident.pin_locked"), 1);
  EXPECT_EQ(audited("public", "resident.login_locked"), 1);
  // The office issues a new PIN: the resident is in at once.
  const std::string fresh = issue_pin(person);
  EXPECT_FALSE(token_of(sign_in(person, fresh)).empty());
}

TEST_P(ResidentRoutesTest, AWrongNikBirthDateOrPinGetTheSameAnswerAndAnUnknownNikLocksAlike) {
  const std::string pin = issue_pin(person);
  const Person unknown = [&] {
    Person p = person;
    p.nik = person.nik.substr(0, 12) + "9999";
    return p;
  }();
  const auto wrong_nik = sign_in(unknown, pin, "", "192.0.2.11");
  const auto wrong_birth = sign_in(person, pin, "1901-01-01", "192.0.2.12");
  const auto wrong_pin_answer = sign_in(person, wrong_pin(pin), "", "192.0.2.13");
  const auto no_pin = sign_in(neighbour, pin, "", "192.0.2.14");
  for (const auto* answer : {&wrong_birth, &wrong_pin_answer, &no_pin}) {
    EXPECT_EQ(answer->status, wrong_nik.status);
    EXPECT_EQ(answer->body, wrong_nik.body);
  }
  EXPECT_EQ(wrong_nik.status, 401);
  // An unknown NIK is "locked" after five misses too, so the lock tells nothing either.
  for (int i = 2; i <= 5; ++i) {
    auto again = sign_in(unknown, pin, "", fmt::format("192.0.2.{}", 20 + i));
    if (i < 5) {
      EXPECT_EQ(again.status, 401) << i;
    } else {
      EXPECT_EQ(reason_of(again), "resident_pin_locked");
    }
  }
}

TEST_P(ResidentRoutesTest, BadInputIsRefusedAndChangesNothing) {
  const std::string pin = issue_pin(person);
  auto malformed = send("POST", "/api/v1/resident/login", "",
                        fmt::format(R"({{"nik":"3327013208900001","birth_date":"1990-08-15","pin":"{}"}})", pin));
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(reason_of(malformed), "nik_invalid");
  EXPECT_EQ(send("POST", "/api/v1/resident/login", "", R"({"nik":"33270"})").status, 400);
  EXPECT_EQ(send("POST", "/api/v1/resident/login", "",
                 fmt::format(R"({{"nik":"{}","birth_date":"{}","pin":"12ab56"}})", person.nik,
                             format_civil_date(person.birth_date)))
                .status,
            400);
  EXPECT_EQ(send("POST", "/api/v1/resident/login", "",
                 fmt::format(R"({{"nik":"{}","birth_date":"x","pin":"{}","extra":1}})", person.nik, pin))
                .status,
            400);
  EXPECT_EQ(send("POST", "/api/v1/resident/login", "", std::string(600, ' ')).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/persons/332701/resident-pin", officer, "").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/persons/" + person.nik + "/resident-pin", officer, R"({"pin":"123456"})").status, 400)
      << "nobody chooses their PIN";
  EXPECT_EQ(audited("public", "resident.login_failed"), 0) << "refused before any attempt";

  const std::string token = token_of(sign_in(person, pin));
  ASSERT_EQ(call("GET", "/api/v1/persons/" + person.nik, officer).status, 200);
  auto reads = parse(as_resident("GET", "/api/v1/resident/reads", token).body).at("reads").as_array();
  ASSERT_FALSE(reads.empty());
  const std::int64_t seq = reads[0].at("seq").as_int64();
  auto oversize = as_resident("POST", "/api/v1/resident/reports", token,
                              fmt::format(R"({{"seq":{},"note":"{}"}})", seq, std::string(501, 'a')));
  EXPECT_EQ(oversize.status, 400) << oversize.body;
  EXPECT_EQ(as_resident("POST", "/api/v1/resident/reports", token, R"({"seq":"satu"})").status, 400);
  EXPECT_EQ(as_resident("POST", "/api/v1/resident/reports", token, fmt::format(R"({{"seq":{},"x":1}})", seq)).status, 400);
  EXPECT_EQ(audited("resident:" + person.nik, "resident.report"), 0);
  EXPECT_EQ(as_resident("GET", "/api/v1/resident/reads?limit=0", token).status, 400);
  EXPECT_EQ(as_resident("GET", "/api/v1/resident/reads?limit=101", token).status, 400);
  EXPECT_EQ(as_resident("GET", "/api/v1/resident/reads?before=abc", token).status, 400);
  EXPECT_EQ(as_resident("GET", "/api/v1/resident/reads?limit=1&before=" + std::to_string(seq + 1), token).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/admin/resident-reports?status=lama", admin_token).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/admin/resident-reports/abc/resolve", admin_token, R"({"resolution":"x"})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/admin/resident-reports/77/resolve", admin_token, R"({"resolution":"x"})").status, 404);
  EXPECT_EQ(call("POST", "/api/v1/admin/resident-reports/77/resolve", admin_token, R"({"resolution":""})").status, 400);
}

EKTP_INSTANTIATE_FOR_BACKENDS(ResidentRoutesTest);

}  // namespace
}  // namespace ektp::test
