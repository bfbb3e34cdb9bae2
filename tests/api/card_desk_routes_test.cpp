// The card desk routes and announced deliveries (docs/api.md, "Cards"): a card handed over after a
// real fingerprint check through HTTP, a finger that does not match answering 409 with the tries
// left, the supervisor's assisted check, who is refused (no token, a resident, an operator of
// another regency or of no office — audited), the 30-day uncollected list, announced deliveries,
// and printing with no blanko naming the next announced delivery.
#include "api/card_desk_routes.h"
#include "api/card_routes.h"

#include <fmt/format.h>

#include "registry/demo/demo_loader.h"
#include "support/card_fixture.h"
#include "support/route_fixture.h"
#include "sync/enrollment_payload.h"

namespace ektp::test {
namespace {

class CardDeskRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    load_demo_regency(60);
    api::add_card_routes(router, *services);
    api::add_card_desk_routes(router, *services);
    supervisor = office_user("sup.pemalang", Role::kSupervisor, "3327");
    desk = office_user("op.pemalang", Role::kOperator, "3327");
    other_regency = office_user("op.tegal", Role::kOperator, "3328");
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto row = (*conn)->execute("SELECT nik FROM persons WHERE alive = 1 AND birth_date < '2000-01-01' ORDER BY nik LIMIT 1");
    ASSERT_OK(row);
    nik = row->rows.front().text(0);
    ASSERT_OK((*conn)->execute("UPDATE persons SET card_printed = 0 WHERE nik = $1", {nik}));
  }

  // The resident enrolled with a real finger, one blanko received, their card printed.
  std::string printed_request() {
    insert_ready_enrollment(db(), nik, now_ms() - 86'400'000);
    auto received =
        call("POST", "/api/v1/card/offices/3327/stock/receive", supervisor, R"({"first":1,"last":1,"allocation":"ALOK"})");
    EXPECT_EQ(received.status, 201) << received.body;
    auto printed = call("POST", "/api/v1/card/offices/3327/print-next", supervisor);
    EXPECT_EQ(printed.status, 200) << printed.body;
    return printed.status == 200 ? std::to_string(boost::json::parse(printed.body).at("id").as_int64()) : "0";
  }
  std::string finger_body(const std::string& image, int position = 2) {
    return fmt::format(R"({{"method":"fingerprint","finger_position":{},"image":"{}","dpi":500}})", position,
                       sync::base64_encode(card_test_fingerprint(image)));
  }
  std::string supervisor, desk, other_regency, nik;
};

TEST_P(CardDeskRoutesTest, TheDeskHandsTheCardOverAfterTheFingerMatches) {
  const auto id = printed_request();
  const auto path = "/api/v1/card/requests/" + id + "/collect";
  // Refused: no token, an operator of no office, one of another regency (audited), bad input.
  EXPECT_EQ(call("POST", path, "", finger_body("101_2.tif")).status, 401);
  EXPECT_EQ(call("POST", path, operator_token, finger_body("101_2.tif")).status, 403);
  EXPECT_EQ(call("POST", path, other_regency, finger_body("101_2.tif")).status, 403);
  EXPECT_EQ(audited("op.tegal", "card.refused"), 1);
  EXPECT_EQ(call("POST", path, desk, R"({"method":"iris"})").status, 400);
  EXPECT_EQ(call("POST", path, desk, R"({"method":"fingerprint","finger_position":2,"image":"%%%"})").status, 400);
  EXPECT_EQ(call("POST", path, desk, finger_body("101_2.tif", 0)).status, 400);
  EXPECT_EQ(call("POST", path, desk, R"({"method":"fingerprint","finger_position":2,"image":"AAAA","x":1})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/card/requests/999/collect", desk, finger_body("101_2.tif")).status, 404);

  // Another finger: 409 with the tries so far and left; nothing handed over.
  auto wrong = call("POST", path, desk, finger_body("102_1.tif"));
  ASSERT_EQ(wrong.status, 409) << wrong.body;
  auto answer = boost::json::parse(wrong.body).as_object();
  EXPECT_EQ(answer.at("error").at("reason").as_string(), "fingerprint_no_match");
  EXPECT_EQ(answer.at("error").at("params").at("tries_left").as_int64(), 3);
  EXPECT_EQ(answer.at("collected").as_bool(), false);
  // The operator may not skip to an assisted check; the holder's own finger collects the card.
  auto assisted = call("POST", path, desk, R"({"method":"assisted","note":"foto cocok"})");
  EXPECT_EQ(assisted.status, 403) << assisted.body;
  auto right = call("POST", path, desk, finger_body("101_2.tif"));
  ASSERT_EQ(right.status, 200) << right.body;
  answer = boost::json::parse(right.body).as_object();
  EXPECT_TRUE(answer.at("collected").as_bool());
  EXPECT_EQ(answer.at("request").at("status").as_string(), "collected");
  EXPECT_EQ(answer.at("request").at("collected_by").as_string(), "op.pemalang");
  EXPECT_EQ(audited("op.pemalang", "card.collect"), 1);
  EXPECT_EQ(audited("op.pemalang", "card.pickup_no_match"), 1);
  // What the desk sees of the resident: the request collected, with both checks tried.
  EXPECT_EQ(call("GET", "/api/v1/card/persons/" + nik, other_regency).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/card/persons/12345", desk).status, 400);
  auto seen = call("GET", "/api/v1/card/persons/" + nik, desk);
  ASSERT_EQ(seen.status, 200) << seen.body;
  const auto view = boost::json::parse(seen.body);
  EXPECT_EQ(view.at("requests").at(0).at("status").as_string(), "collected");
  EXPECT_EQ(view.at("requests").at(0).at("pickup_attempts").as_array().size(), 2u);
  EXPECT_EQ(audited("op.pemalang", "read_card_desk"), 1);
  auto again = call("POST", path, desk, finger_body("101_2.tif"));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(boost::json::parse(again.body).at("error").at("reason").as_string(), "card_already_collected");
}

TEST_P(CardDeskRoutesTest, UncollectedCardsAreListedForSupervisorsOnly) {
  const auto id = printed_request();
  EXPECT_EQ(call("GET", "/api/v1/card/offices/3327/uncollected", desk).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/card/offices/3328/uncollected", supervisor).status, 403);
  auto list = call("GET", "/api/v1/card/offices/3327/uncollected", supervisor);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(boost::json::parse(list.body).at("cards").as_array().empty());  // printed today
  now += std::chrono::days(31);
  supervisor = login("sup.pemalang", "office-password-2026");
  list = call("GET", "/api/v1/card/offices/3327/uncollected", supervisor);
  ASSERT_EQ(list.status, 200) << list.body;
  const auto parsed = boost::json::parse(list.body);
  const auto& cards = parsed.at("cards").as_array();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(std::to_string(cards[0].at("id").as_int64()), id);
  EXPECT_EQ(audited("sup.pemalang", "read_uncollected_cards"), 1);
}

TEST_P(CardDeskRoutesTest, PrintingWithNoBlankoNamesTheNextAnnouncedDelivery) {
  insert_ready_enrollment(db(), nik, now_ms() - 86'400'000);
  auto none = call("POST", "/api/v1/card/offices/3327/print-next", supervisor);
  ASSERT_EQ(none.status, 409) << none.body;
  auto error = boost::json::parse(none.body).at("error").as_object();
  EXPECT_EQ(error.at("reason").as_string(), "no_blanko_on_hand");
  EXPECT_TRUE(error.at("params").at("next_delivery").is_null());

  // Announcing: supervisors of the region only, a real date ahead, a count.
  const std::string body = R"({"expected_date":"2026-12-07","count":500,"note":"surat alokasi 12"})";
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/deliveries", desk, body).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/deliveries", other_regency, body).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/deliveries", supervisor,
                 R"({"expected_date":"2026-02-30","count":500})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/deliveries", supervisor,
                 R"({"expected_date":"2026-11-01","count":500})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/deliveries", supervisor,
                 R"({"expected_date":"2026-12-07","count":-5})").status, 400);
  auto made = call("POST", "/api/v1/card/offices/3327/deliveries", supervisor, body);
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(boost::json::parse(made.body).at("expected_date").as_string(), "2026-12-07");

  none = call("POST", "/api/v1/card/offices/3327/print-next", supervisor);
  ASSERT_EQ(none.status, 409) << none.body;
  error = boost::json::parse(none.body).at("error").as_object();
  EXPECT_EQ(error.at("params").at("next_delivery").at("expected_date").as_string(), "2026-12-07");
  EXPECT_EQ(error.at("params").at("next_delivery").at("count").as_int64(), 500);
  EXPECT_NE(std::string(error.at("message").as_string()).find("500 blanko on 2026-12-07"), std::string::npos);

  // The delivery arrives: the announcement is received and the card prints.
  ASSERT_EQ(call("POST", "/api/v1/card/offices/3327/stock/receive", supervisor,
                 R"({"first":1,"last":500,"allocation":"surat alokasi 12"})").status, 201);
  auto list = call("GET", "/api/v1/card/offices/3327/deliveries", supervisor);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(boost::json::parse(list.body).at("deliveries").at(0).at("status").as_string(), "received");
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/print-next", supervisor).status, 200);
  const auto id = std::to_string(boost::json::parse(made.body).at("id").as_int64());
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/deliveries/" + id + "/cancel", supervisor).status, 409);
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/deliveries/x/cancel", supervisor).status, 400);
}

EKTP_INSTANTIATE_FOR_BACKENDS(CardDeskRoutesTest);

}  // namespace
}  // namespace ektp::test
