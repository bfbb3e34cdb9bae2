// Event subscriptions over HTTP on SQLite and PostgreSQL, as BPJS Kesehatan uses them with its API
// key: subscribe, list, delete; its deliveries with every attempt, the dead-letter list and its
// replay; the admin's view of an agency's deliveries; the public webhook key. Each change and read
// audited. Refused, changing nothing: no key, a revoked key, an agency whose agreement lacks
// "subscribe", another agency's subscription or delivery (404), a non-admin on the admin route, a
// URL that is not https or is private, unknown fields and event types, a body too large, a replay
// of a delivery that is not dead.
#include "api/agency_routes.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "agency/agency_keys.h"
#include "agency/agency_registry.h"
#include "agency/event_outbox.h"
#include "agency/webhook_delivery.h"
#include "agency/delivery_schedule.h"
#include "agency/webhook_signature.h"
#include "registry/civil_registry.h"
#include "support/route_fixture.h"

namespace ektp::test {
namespace {

using boost::json::object;

class AgencySubscriptionRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    load_demo_regency(60);
    api::add_agency_subscription_routes(router, *services);
    services->webhook_key = &key;
    admin = {"admin.pusat", now_ms() - 86'400'000};
    ASSERT_OK(agency::create_agency(db(), {"bpjs-kesehatan", "BPJS Kesehatan", agency::AgencyKind::kHealthInsurance}, admin));
    ASSERT_OK(agency::add_agreement(db(), agreement("bpjs-kesehatan", true), admin));
    bpjs_key = issue("bpjs-kesehatan");
    ASSERT_OK(agency::create_agency(db(), {"bank-jateng", "Bank Jateng", agency::AgencyKind::kBank}, admin));
    ASSERT_OK(agency::add_agreement(db(), agreement("bank-jateng", false), admin));
    bank_key = issue("bank-jateng");
  }

  agency::Agreement agreement(const std::string& code, bool subscribe) {
    agency::Agreement pks;
    pks.agency_code = code;
    pks.number = "PKS/" + code;
    pks.purposes = {"pemutakhiran data peserta"};
    pks.verify_fields = {"nik", "name", "birth_date"};
    pks.retrieve_fields = {"nik", "name", "birth_date"};
    pks.operations = {agency::AgencyOperation::kRetrieve};
    if (subscribe) pks.operations.insert(agency::AgencyOperation::kSubscribe);
    pks.regions = {"3327"};
    pks.daily_quota = 100;
    pks.valid_from_ms = now_ms() - 86'400'000;
    pks.valid_until_ms = now_ms() + 365 * 86'400'000LL;
    return pks;
  }
  std::string issue(const std::string& code) {
    auto issued = agency::issue_api_key(db(), code, "", admin);
    EXPECT_OK(issued);
    return issued ? issued->secret : std::string();
  }
  HttpResponse as_agency(std::string method, std::string path, const std::string& key, std::string body = "") {
    return agency_call(std::move(method), std::move(path), key, std::move(body));
  }
  HttpResponse subscribe(const std::string& key, const std::string& url = "https://93.184.216.34/ektp",
                         const std::string& types = R"(["birth","death"])") {
    return as_agency("POST", "/api/v1/agency/subscriptions", key,
                     fmt::format(R"({{"url":"{}","event_types":{}}})", url, types));
  }
  static object json(const HttpResponse& r) { return boost::json::parse(r.body).as_object(); }
  std::int64_t count(const std::string& sql) {
    auto conn = db().connect();
    auto rows = (*conn)->execute(sql);
    return rows ? rows->rows.front().integer(0) : -1;
  }
  // A birth at central's desk with the outbox hook (as `ektp serve` records it), then every
  // attempt of its delivery failed until it is dead-lettered. Its delivery id.
  std::int64_t dead_delivery() {
    registry::CivilRegistry hooked(db(), RegionDirectory::builtin(), agency::event_outbox_hook());
    auto conn = db().connect();
    auto mother = (*conn)->execute(
        "SELECT nik FROM persons WHERE sex = 'F' AND alive = 1 AND birth_date BETWEEN '1983-01-01' AND '2005-01-01' "
        "ORDER BY nik LIMIT 1");
    EXPECT_OK(mother);
    registry::BirthRequest birth;
    birth.name = "Putri Sejati";
    birth.birth_place = "Pemalang";
    birth.birth_date = jakarta_date_of(now - hours{48});
    birth.sex = Sex::kFemale;
    birth.mother_nik = mother->rows.at(0).text(0);
    EXPECT_OK(hooked.register_birth({{"ani.op", Role::kOperator}, now, "b-dead", "hash-b-dead"}, birth));
    std::int64_t clock = now_ms();
    agency::WebhookDeliveryWorker worker(
        db(), key, [](const agency::WebhookMessage&) -> Result<int> { return 500; }, [&clock] { return clock; });
    for (int i = 0; i < agency::kDeliveryAttemptsMax; ++i) {
      EXPECT_OK(worker.run_once());
      clock += 25 * 3'600'000LL;  // past the longest wait
    }
    auto dead = (*conn)->execute("SELECT id FROM agency_deliveries WHERE state = 'dead'");
    EXPECT_OK(dead);
    return dead && !dead->rows.empty() ? dead->rows.front().integer(0) : 0;
  }

  const agency::WebhookSigningKey key = agency::WebhookSigningKey::from_seed(std::array<std::uint8_t, 32>{9});
  agency::AgencyChange admin;
  std::string bpjs_key, bank_key;
};

TEST_P(AgencySubscriptionRoutesTest, AnAgencySubscribesListsAndDeletes) {
  auto made = subscribe(bpjs_key);
  ASSERT_EQ(made.status, 201) << made.body;
  const auto subscription = json(made);
  EXPECT_EQ(subscription.at("url").as_string(), "https://93.184.216.34/ektp");
  EXPECT_EQ(subscription.at("event_types").as_array().size(), 2u);
  EXPECT_TRUE(subscription.at("active").as_bool());
  const std::int64_t id = subscription.at("id").as_int64();
  auto listed = as_agency("GET", "/api/v1/agency/subscriptions", bpjs_key);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(json(listed).at("subscriptions").as_array().size(), 1u);
  auto ended = as_agency("DELETE", fmt::format("/api/v1/agency/subscriptions/{}", id), bpjs_key);
  ASSERT_EQ(ended.status, 200) << ended.body;
  EXPECT_FALSE(json(ended).at("active").as_bool());
  EXPECT_EQ(json(ended).at("cancelled_deliveries").as_int64(), 0);
  EXPECT_EQ(json(as_agency("GET", "/api/v1/agency/subscriptions", bpjs_key)).at("subscriptions").as_array().size(), 0u);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.subscribe"), 1);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.subscriptions_read"), 2);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.unsubscribe"), 1);
  EXPECT_EQ(as_agency("DELETE", fmt::format("/api/v1/agency/subscriptions/{}", id), bpjs_key).status, 404);
}

TEST_P(AgencySubscriptionRoutesTest, CallersWhoMayNotAreRefused) {
  ASSERT_EQ(subscribe(bpjs_key).status, 201);
  const std::vector<std::pair<std::string, std::string>> routes{
      {"POST", "/api/v1/agency/subscriptions"}, {"GET", "/api/v1/agency/subscriptions"},
      {"DELETE", "/api/v1/agency/subscriptions/1"}, {"GET", "/api/v1/agency/deliveries"},
      {"POST", "/api/v1/agency/deliveries/1/replay"}};
  // A revoked key of the subscribing agency.
  const std::string revoked = issue("bpjs-kesehatan");
  ASSERT_OK(agency::revoke_api_key(db(), revoked.substr(5, 16), admin));
  for (const auto& [method, path] : routes) {
    const std::string body = method == "POST" && path.ends_with("subscriptions")
                                 ? R"({"url":"https://93.184.216.34/x","event_types":["birth"]})"
                                 : "";
    auto none = as_agency(method, path, "", body);
    EXPECT_EQ(none.status, 401) << method << " " << path;
    EXPECT_EQ(reason_of(none), "agency_key_invalid");
    auto gone = as_agency(method, path, revoked, body);
    EXPECT_EQ(gone.status, 401) << method << " " << path;
    EXPECT_EQ(reason_of(gone), "agency_key_invalid");
    // An agency whose agreement does not include subscribe.
    auto other = as_agency(method, path, bank_key, body);
    EXPECT_EQ(other.status, 403) << method << " " << path << " " << other.body;
    EXPECT_EQ(reason_of(other), "agency_operation_not_agreed");
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_subscriptions"), 1);
  // The admin route: not for an operator, nor without a token, nor with an agency key.
  EXPECT_EQ(call("GET", "/api/v1/admin/agencies/bpjs-kesehatan/deliveries", operator_token).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/admin/agencies/bpjs-kesehatan/deliveries", "").status, 401);
  EXPECT_EQ(as_agency("GET", "/api/v1/admin/agencies/bpjs-kesehatan/deliveries", bpjs_key).status, 401);
  EXPECT_EQ(reason_of(call("GET", "/api/v1/admin/agencies/bank-bni/deliveries", admin_token)), "agency_unknown");
}

TEST_P(AgencySubscriptionRoutesTest, BadSubscriptionsAreRefusedWithTheirReasonAndNothingChanges) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {subscribe(bpjs_key, "http://93.184.216.34/ektp").body, "webhook_url_not_https"},
      {subscribe(bpjs_key, "https://127.0.0.1:9443/ektp").body, "webhook_url_private"},
      {subscribe(bpjs_key, "https://169.254.169.254/latest").body, "webhook_url_private"},
      {subscribe(bpjs_key, "https://localhost/ektp").body, "webhook_url_private"},
      {subscribe(bpjs_key, "https://a:b@93.184.216.34/ektp").body, "webhook_url_invalid"},
      {subscribe(bpjs_key, "https://93.184.216.34/ektp", R"(["birth","wedding"])").body, "webhook_event_types_invalid"},
      {subscribe(bpjs_key, "https://93.184.216.34/ektp", R"("birth")").body, "webhook_event_types_invalid"},
      {subscribe(bpjs_key, "https://93.184.216.34/ektp", "[]").body, "webhook_event_types_invalid"},
  };
  for (const auto& [body, reason] : cases) {
    EXPECT_NE(body.find(fmt::format("\"reason\":\"{}\"", reason)), std::string::npos) << body;
  }
  auto unknown_field = as_agency("POST", "/api/v1/agency/subscriptions", bpjs_key,
                                 R"({"url":"https://93.184.216.34/e","event_types":["birth"],"secret":"x"})");
  EXPECT_EQ(unknown_field.status, 400);
  auto large = as_agency("POST", "/api/v1/agency/subscriptions", bpjs_key,
                         R"({"url":"https://93.184.216.34/)" + std::string(5000, 'a') + R"(","event_types":["birth"]})");
  EXPECT_EQ(large.status, 413);
  EXPECT_EQ(as_agency("DELETE", "/api/v1/agency/subscriptions/abc", bpjs_key).status, 400);
  EXPECT_EQ(as_agency("GET", "/api/v1/agency/deliveries?state=lost", bpjs_key).status, 400);
  EXPECT_EQ(as_agency("GET", "/api/v1/agency/deliveries?limit=1000", bpjs_key).status, 400);
  EXPECT_EQ(count("SELECT COUNT(*) FROM agency_subscriptions"), 0);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.subscribe"), 0);
  // Five at most.
  for (int i = 0; i < 5; ++i) ASSERT_EQ(subscribe(bpjs_key, fmt::format("https://93.184.216.34/e{}", i)).status, 201);
  auto sixth = subscribe(bpjs_key, "https://93.184.216.34/e6");
  EXPECT_EQ(sixth.status, 409);
  EXPECT_EQ(reason_of(sixth), "webhook_subscriptions_too_many");
}

TEST_P(AgencySubscriptionRoutesTest, DeliveriesTheDeadLetterListAndItsReplay) {
  ASSERT_EQ(subscribe(bpjs_key).status, 201);
  const std::int64_t id = dead_delivery();
  ASSERT_GT(id, 0);
  auto dead = as_agency("GET", "/api/v1/agency/deliveries?state=dead", bpjs_key);
  ASSERT_EQ(dead.status, 200) << dead.body;
  const object dead_list = json(dead);
  const auto& listed = dead_list.at("deliveries").as_array();
  ASSERT_EQ(listed.size(), 1u);
  const auto& one = listed[0].as_object();
  EXPECT_EQ(one.at("id").as_int64(), id);
  EXPECT_EQ(one.at("state").as_string(), "dead");
  EXPECT_EQ(one.at("event_type").as_string(), "birth");
  EXPECT_EQ(one.at("webhook_id").as_string(), fmt::format("msg_{}", id));
  EXPECT_EQ(one.at("attempts").as_int64(), agency::kDeliveryAttemptsMax);
  EXPECT_EQ(one.at("history").as_array().size(), static_cast<std::size_t>(agency::kDeliveryAttemptsMax));
  EXPECT_EQ(one.at("history").at(0).at("status").as_int64(), 500);
  EXPECT_EQ(dead.body.find("Putri Sejati"), std::string::npos) << "the list carries no personal data";
  EXPECT_EQ(json(as_agency("GET", "/api/v1/agency/deliveries?state=pending", bpjs_key)).at("deliveries").as_array().size(),
            0u);
  // Another agency's delivery is none of its business: unknown, not forbidden.
  const std::string other_key = [&] {
    EXPECT_OK(agency::create_agency(db(), {"rs-pemalang", "RSUD Pemalang", agency::AgencyKind::kHospital}, admin));
    EXPECT_OK(agency::add_agreement(db(), agreement("rs-pemalang", true), admin));
    return issue("rs-pemalang");
  }();
  auto foreign = as_agency("POST", fmt::format("/api/v1/agency/deliveries/{}/replay", id), other_key);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(reason_of(foreign), "webhook_delivery_unknown");
  EXPECT_EQ(json(as_agency("GET", "/api/v1/agency/deliveries", other_key)).at("deliveries").as_array().size(), 0u);
  // The admin sees it too.
  auto seen = call("GET", "/api/v1/admin/agencies/bpjs-kesehatan/deliveries?state=dead", admin_token);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(json(seen).at("deliveries").as_array().size(), 1u);
  EXPECT_EQ(audited(kRootAdmin, "agency.deliveries_read"), 1);
  // The agency replays it; once pending it is not replayed again.
  auto replayed = as_agency("POST", fmt::format("/api/v1/agency/deliveries/{}/replay", id), bpjs_key, "{}");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(json(replayed).at("state").as_string(), "pending");
  EXPECT_EQ(json(replayed).at("next_attempt_at_ms").as_int64(), now_ms());
  auto again = as_agency("POST", fmt::format("/api/v1/agency/deliveries/{}/replay", id), bpjs_key);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(reason_of(again), "webhook_delivery_not_dead");
  EXPECT_EQ(as_agency("POST", fmt::format("/api/v1/agency/deliveries/{}/replay", id), bpjs_key, R"({"x":1})").status,
            400);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.delivery_replay"), 1);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.deliveries_read"), 2);
}

TEST_P(AgencySubscriptionRoutesTest, TheWebhookKeyIsPublic) {
  HttpRequest request;
  request.method = "GET";
  request.target = request.path = "/api/v1/agency/webhook-key";
  bool method_allowed = false;
  const Handler* handler = router.match(request, method_allowed);
  ASSERT_NE(handler, nullptr);
  auto answer = settle((*handler)(request));
  ASSERT_EQ(answer.status, 200) << answer.body;
  const auto published = json(answer);
  EXPECT_EQ(published.at("public_key").as_string(), key.public_key_base64());
  EXPECT_EQ(published.at("whpk").as_string(), "whpk_" + key.public_key_base64());
  EXPECT_EQ(published.at("signature_scheme").as_string(), "v1a");
  // A server without the key says so.
  services->webhook_key = nullptr;
  EXPECT_EQ(settle((*handler)(request)).status, 503);
}

EKTP_INSTANTIATE_FOR_BACKENDS(AgencySubscriptionRoutesTest);

}  // namespace
}  // namespace ektp::test
