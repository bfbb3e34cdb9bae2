// The card production routes (docs/api.md, "Cards"): who may use them (supervisors of the office's
// region and admins; everyone else refused, out-of-region attempts audited), their input limits,
// and the print flow through them: a resident at siap cetak in the queue (audited as read), no
// blanko → 409, a delivery, the card printed on its lowest blanko, a spoiled print requeued.
#include "api/card_routes.h"

#include "registry/demo/demo_loader.h"
#include "registry/enrollment_store.h"
#include "support/route_fixture.h"

namespace ektp::test {
namespace {

// A 4×5 red PNG: the synthetic photo and signature of the test enrollment.
const std::vector<std::uint8_t> kTinyPng = {0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a,0x00,0x00,0x00,0x0d,0x49,0x48,0x44,0x52,0x00,0x00,0x00,0x04,0x00,0x00,0x00,0x05,0x08,0x02,0x00,0x00,0x00,0xed,0xcf,0xda,0x8c,0x00,0x00,0x00,0x10,0x49,0x44,0x41,0x54,0x78,0x9c,0x63,0x38,0x21,0x27,0x07,0x47,0x0c,0x64,0x70,0x00,0xa1,0xcf,0x14,0x51,0x4e,0x1c,0x45,0xb2,0x00,0x00,0x00,0x00,0x49,0x45,0x4e,0x44,0xae,0x42,0x60,0x82};

class CardRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    load_demo_regency(100);
    api::add_card_routes(router, *services);
    pemalang = office_user("sup.pemalang", Role::kSupervisor, "3327");
    tegal = office_user("sup.tegal", Role::kSupervisor, "3328");
    ASSERT_OK(auth->create_user("sup.none", "supervisor-password", Role::kSupervisor, now));
    no_office = login("sup.none", "supervisor-password");
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto row = (*conn)->execute("SELECT nik FROM persons WHERE alive = 1 AND birth_date < '2000-01-01' ORDER BY nik LIMIT 1");
    ASSERT_OK(row);
    nik = row->rows.front().text(0);
    ASSERT_OK((*conn)->execute("UPDATE persons SET card_printed = 0 WHERE nik = $1", {nik}));
  }
  // An enrollment of the resident at siap cetak.
  void ready() {
    registry::Enrollment e;
    e.enrollment_id = "enr-1";
    e.nik = nik;
    e.station_id = "st-332701";
    e.operator_name = "operator";
    e.captured_at_ms = 1'795'000'000'000;
    e.modalities = {"fingerprint"};
    e.photo = kTinyPng;
    e.photo_mime = "image/png";
    e.photo_sha256 = registry::bytes_sha256(e.photo);
    e.signature = kTinyPng;
    e.signature_sha256 = registry::bytes_sha256(e.signature);
    ASSERT_OK(store::with_write_transaction<bool>(db(), [&](store::Connection& c) -> Result<bool> {
      EKTP_RETURN_IF_ERROR(registry::insert_enrollment(c, e));
      EKTP_RETURN_IF_ERROR(registry::set_enrollment_status(c, "enr-1", registry::EnrollmentStatus::kReadyToPrint,
                                                           1'795'000'100'000, ""));
      return true;
    }));
  }
  std::string pemalang, tegal, no_office, nik;
};

TEST_P(CardRoutesTest, OnlySupervisorsOfTheRegionAndAdminsManageCards) {
  const std::string receive = R"({"first":1001,"last":1500,"allocation":"ALOK-2026-11"})";
  // Nobody, an operator, a supervisor of another regency or of no office: refused.
  EXPECT_EQ(call("GET", "/api/v1/card/offices/3327/stock", "").status, 401);
  for (const auto& [who, token] : {std::pair{"operator", operator_token}, std::pair{"tegal", tegal},
                                   std::pair{"no office", no_office}}) {
    EXPECT_EQ(call("GET", "/api/v1/card/offices/3327/stock", token).status, 403) << who;
    EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/stock/receive", token, receive).status, 403) << who;
    EXPECT_EQ(call("GET", "/api/v1/card/offices/3327/queue", token).status, 403) << who;
    EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/print-next", token).status, 403) << who;
  }
  EXPECT_EQ(audited("sup.tegal", "card.refused"), 4);  // each refusal at the office check
  // The region's supervisor, for the Dinas and for a kecamatan in it; an admin anywhere.
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/stock/receive", pemalang, receive).status, 201);
  auto moved = call("POST", "/api/v1/card/offices/3327/stock/transfer", pemalang, R"({"to":"332709","count":20})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto stock = call("GET", "/api/v1/card/offices/332709/stock", pemalang);
  ASSERT_EQ(stock.status, 200) << stock.body;
  EXPECT_EQ(boost::json::parse(stock.body).at("on_hand").as_int64(), 20);
  EXPECT_EQ(call("GET", "/api/v1/card/offices/3328/stock", admin_token).status, 200);
  EXPECT_EQ(audited("sup.pemalang", "blanko.received"), 1);
  // The other regency's supervisor cannot take this stock either.
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/stock/transfer", tegal, R"({"to":"3328","count":5})").status, 403);
}

TEST_P(CardRoutesTest, BadInputIsRefusedAndChangesNothing) {
  const auto post = [&](const std::string& path, const std::string& body) { return call("POST", path, pemalang, body).status; };
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/receive", R"({"first":20,"last":10,"allocation":"x"})"), 400);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/receive", R"({"first":1,"last":200000,"allocation":"x"})"), 400);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/receive", R"({"first":1,"last":2,"allocation":"x","extra":1})"), 400);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/receive", R"({"first":"1","last":2,"allocation":"x"})"), 400);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/receive", std::string(4000, ' ')), 413);
  EXPECT_EQ(call("GET", "/api/v1/card/offices/33x7/stock", pemalang).status, 400);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/receive", R"({"first":1,"last":10,"allocation":"ALOK"})"), 201);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/receive", R"({"first":5,"last":15,"allocation":"ALOK"})"), 409);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/transfer", R"({"to":"332709","count":11})"), 409);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/spoil", R"({"serial":3,"reason":""})"), 400);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/spoil", R"({"serial":99,"reason":"rusak"})"), 409);
  EXPECT_EQ(post("/api/v1/card/offices/3327/stock/return", R"({"first":8,"last":12})"), 409);
  EXPECT_EQ(call("GET", "/api/v1/card/offices/3327/queue?limit=0", pemalang).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/card/offices/3327/queue?limit=abc", pemalang).status, 400);
  EXPECT_EQ(post("/api/v1/card/requests/abc/spoil", R"({"reason":"x"})"), 400);
  EXPECT_EQ(post("/api/v1/card/requests/999/spoil", R"({"reason":"x"})"), 404);
  EXPECT_EQ(post("/api/v1/card/replacements", R"({"nik":"12","reason":"lost","detail":"LP/1"})"), 400);
  EXPECT_EQ(post("/api/v1/card/replacements", R"({"nik":")" + nik + R"(","reason":"stolen","detail":"LP/1"})"), 400);
  auto stock = call("GET", "/api/v1/card/offices/3327/stock", pemalang);
  EXPECT_EQ(boost::json::parse(stock.body).at("on_hand").as_int64(), 10);
}

TEST_P(CardRoutesTest, AResidentReadyToPrintIsQueuedPrintedAndASpoiledPrintRequeued) {
  ready();
  auto queue = call("GET", "/api/v1/card/offices/3327/queue", pemalang);
  ASSERT_EQ(queue.status, 200) << queue.body;
  auto waiting = boost::json::parse(queue.body).at("waiting").as_array();
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].at("nik").as_string(), nik);
  EXPECT_EQ(audited("sup.pemalang", "read_print_queue"), 1);
  auto none = call("POST", "/api/v1/card/offices/3327/print-next", pemalang);
  EXPECT_EQ(none.status, 409);
  EXPECT_NE(none.body.find("no blanko on hand"), std::string::npos) << none.body;
  ASSERT_EQ(call("POST", "/api/v1/card/offices/3327/stock/receive", pemalang,
                 R"({"first":7001,"last":7100,"allocation":"ALOK-2026-12"})").status,
            201);
  auto printed = call("POST", "/api/v1/card/offices/3327/print-next", pemalang);
  ASSERT_EQ(printed.status, 200) << printed.body;
  auto card = boost::json::parse(printed.body).as_object();
  EXPECT_EQ(card.at("blanko_serial").as_int64(), 7001);
  EXPECT_EQ(card.at("status").as_string(), "printed");
  const std::string id = std::to_string(card.at("id").as_int64());
  // The printed card's face, as PNG and PDF; a read of the resident, audited.
  auto face = call("GET", "/api/v1/card/requests/" + id + "/face.png", pemalang);
  ASSERT_EQ(face.status, 200) << face.body.substr(0, 200);
  EXPECT_EQ(face.content_type, "image/png");
  EXPECT_TRUE(face.body.starts_with("\x89PNG"));
  auto face_pdf = call("GET", "/api/v1/card/requests/" + id + "/face.pdf", pemalang);
  ASSERT_EQ(face_pdf.status, 200);
  EXPECT_TRUE(face_pdf.body.starts_with("%PDF-"));
  EXPECT_EQ(audited("sup.pemalang", "read_card_face"), 2);
  EXPECT_EQ(call("GET", "/api/v1/card/requests/" + id + "/face.png", tegal).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/card/requests/" + id + "/face.png", operator_token).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/card/requests/4242/face.png", pemalang).status, 404);
  EXPECT_EQ(call("POST", "/api/v1/card/requests/" + id + "/spoil", tegal, R"({"reason":"tinta"})").status, 403);
  auto spoiled = call("POST", "/api/v1/card/requests/" + id + "/spoil", pemalang, R"({"reason":"tinta luntur"})");
  ASSERT_EQ(spoiled.status, 200) << spoiled.body;
  EXPECT_EQ(boost::json::parse(spoiled.body).at("status").as_string(), "waiting");
  auto urgent = call("POST", "/api/v1/card/requests/" + id + "/urgent", pemalang, R"({"urgent_reason":"elderly"})");
  ASSERT_EQ(urgent.status, 200) << urgent.body;
  EXPECT_EQ(call("POST", "/api/v1/card/requests/" + id + "/urgent", pemalang, R"({"urgent_reason":"vip"})").status, 400);
  auto again = call("POST", "/api/v1/card/offices/3327/print-next", pemalang);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(boost::json::parse(again.body).at("blanko_serial").as_int64(), 7002);
  // A lost card: a replacement waits; another regency's supervisor may not ask for it.
  const std::string lost = R"({"nik":")" + nik + R"(","reason":"lost","detail":"LP/77/XII/2026"})";
  EXPECT_EQ(call("POST", "/api/v1/card/replacements", tegal, lost).status, 403);
  auto replacement = call("POST", "/api/v1/card/replacements", pemalang, lost);
  ASSERT_EQ(replacement.status, 201) << replacement.body;
  EXPECT_EQ(call("POST", "/api/v1/card/replacements", pemalang, lost).status, 409);
  auto stock = call("GET", "/api/v1/card/offices/3327/stock", pemalang);
  auto balance = boost::json::parse(stock.body).at("balance").as_object();
  EXPECT_EQ(balance.at("used").as_int64(), 1);
  EXPECT_EQ(balance.at("spoiled").as_int64(), 1);
  EXPECT_EQ(balance.at("on_hand").as_int64(), 98);
  // How long the stock lasts, from what was measurably used (one used, one spoiled print).
  auto outlook = boost::json::parse(stock.body).at("outlook").as_object();
  EXPECT_EQ(outlook.at("used_last_30_days").as_int64(), 2);
  EXPECT_TRUE(outlook.at("days_left").is_double());
  EXPECT_TRUE(outlook.at("delivery_gap_days").is_null()) << "one delivery tells no pace";
  EXPECT_FALSE(outlook.at("low").as_bool());
}

TEST_P(CardRoutesTest, AKecamatanAsksItsDinasForBlankoWithItsMeasuredPace) {
  const std::string ask = R"({"count":300,"note":"antrean panjang"})";
  EXPECT_EQ(call("POST", "/api/v1/card/offices/332709/allocation-requests", operator_token, ask).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/card/offices/332709/allocation-requests", tegal, ask).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/card/offices/332709/allocation-requests", pemalang, R"({"count":0})").status, 400);
  auto made = call("POST", "/api/v1/card/offices/332709/allocation-requests", pemalang, ask);
  ASSERT_EQ(made.status, 201) << made.body;
  auto request = boost::json::parse(made.body).as_object();
  EXPECT_EQ(request.at("addressed_to").as_string(), "3327");
  EXPECT_EQ(request.at("on_hand").as_int64(), 0);
  EXPECT_TRUE(request.at("days_left").is_null());
  EXPECT_EQ(request.at("status").as_string(), "open");
  EXPECT_EQ(call("POST", "/api/v1/card/offices/332709/allocation-requests", pemalang, ask).status, 409);  // one open
  // The Dinas sees it among the requests addressed to it.
  auto listed = call("GET", "/api/v1/card/offices/3327/allocation-requests", pemalang);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(boost::json::parse(listed.body).at("requests").as_array().size(), 1u);
  const std::string close = "/api/v1/card/allocation-requests/" + std::to_string(request.at("id").as_int64()) + "/close";
  EXPECT_EQ(call("POST", close, tegal, R"({"fulfilled":true})").status, 403);
  EXPECT_EQ(call("POST", close, pemalang, R"({"fulfilled":"ya"})").status, 400);
  auto closed = call("POST", close, pemalang, R"({"fulfilled":true})");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(boost::json::parse(closed.body).at("status").as_string(), "fulfilled");
  EXPECT_EQ(call("POST", close, pemalang, R"({"fulfilled":false})").status, 409);
  // A Dinas asks its province; only an admin decides that.
  auto dinas = call("POST", "/api/v1/card/offices/3327/allocation-requests", pemalang, ask);
  ASSERT_EQ(dinas.status, 201);
  EXPECT_EQ(boost::json::parse(dinas.body).at("addressed_to").as_string(), "33");
  const std::string close_dinas =
      "/api/v1/card/allocation-requests/" + std::to_string(boost::json::parse(dinas.body).at("id").as_int64()) + "/close";
  EXPECT_EQ(call("POST", close_dinas, pemalang, R"({"fulfilled":true})").status, 403);
  EXPECT_EQ(call("POST", close_dinas, admin_token, R"({"fulfilled":false})").status, 200);
  EXPECT_EQ(call("POST", "/api/v1/card/allocation-requests/x/close", admin_token, R"({"fulfilled":true})").status, 400);
  EXPECT_EQ(audited("sup.pemalang", "blanko.allocation_request"), 2);
}

TEST_P(CardRoutesTest, AKecamatanStartsPrintingOnceAndOnlyBySupervisorsOfItsRegion) {
  EXPECT_EQ(call("POST", "/api/v1/card/offices/332709/printing", operator_token).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/card/offices/332709/printing", tegal).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/printing", pemalang).status, 400);  // a Dinas always prints
  auto before = call("GET", "/api/v1/card/offices/332709/stock", pemalang);
  ASSERT_EQ(before.status, 200);
  EXPECT_FALSE(boost::json::parse(before.body).at("prints").as_bool());
  auto made = call("POST", "/api/v1/card/offices/332709/printing", pemalang);
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_TRUE(boost::json::parse(made.body).at("prints").as_bool());
  auto again = call("POST", "/api/v1/card/offices/332709/printing", pemalang);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("office_already_prints"), std::string::npos);
  EXPECT_EQ(audited("sup.pemalang", "card.printing_office"), 1);
}

EKTP_INSTANTIATE_FOR_BACKENDS(CardRoutesTest);

}  // namespace
}  // namespace ektp::test
