// The SUKET routes (docs/api.md, "SUKET"): the card desk issues one for a resident whose card is
// pending (others refused: no token, another regency's operator — audited —, a resident who holds
// their card), lists and prints it (audited as read), and anyone fetches the root key, the signed
// trust list and the signed superseded list, which verify the SUKET offline.
#include "api/suket_routes.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "card/byte_text.h"
#include "card/qr_image_reader.h"
#include "card/suket_credential.h"
#include "card/suket_keys.h"
#include "registry/demo/demo_loader.h"
#include "support/card_fixture.h"
#include "support/route_fixture.h"

namespace ektp::test {
namespace {

class SuketRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    load_demo_regency(60);
    key_dir = std::filesystem::temp_directory_path() /
              fmt::format("ektp-suket-routes-{}-{}", ::getpid(), static_cast<int>(GetParam()));
    std::filesystem::remove_all(key_dir);
    auto keys = card::SuketKeys::open(key_dir, true);
    ASSERT_OK(keys);
    suket_keys = std::move(*keys);
    services->suket_keys = suket_keys.get();
    api::add_suket_routes(router, *services);
    desk = office_user("op.pemalang", Role::kOperator, "3327");
    other_regency = office_user("op.tegal", Role::kOperator, "3328");
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto row = (*conn)->execute("SELECT nik FROM persons WHERE alive = 1 AND birth_date < '2000-01-01' ORDER BY nik LIMIT 2");
    ASSERT_OK(row);
    nik = row->rows[0].text(0);
    unenrolled = row->rows[1].text(0);
    ASSERT_OK((*conn)->execute("UPDATE persons SET card_printed = 0 WHERE nik = $1", {nik}));
    insert_ready_enrollment(db(), nik, now_ms() - 86'400'000, "");
  }
  void TearDown() override {
    suket_keys.reset();
    std::filesystem::remove_all(key_dir);
    RouteTest::TearDown();
  }

  std::filesystem::path key_dir;
  std::unique_ptr<card::SuketKeys> suket_keys;
  std::string desk, other_regency, nik, unenrolled;
};

TEST_P(SuketRoutesTest, TheDeskIssuesASuketThatAnyoneVerifiesWithThePublicLists) {
  const auto path = "/api/v1/card/persons/" + nik + "/suket";
  EXPECT_EQ(call("POST", path, "").status, 401);
  EXPECT_EQ(call("POST", path, other_regency).status, 403);
  EXPECT_EQ(audited("op.tegal", "card.refused"), 1);
  EXPECT_EQ(call("POST", "/api/v1/card/persons/12345/suket", desk).status, 400);
  auto not_enrolled = call("POST", "/api/v1/card/persons/" + unenrolled + "/suket", desk);
  EXPECT_EQ(not_enrolled.status, 409) << not_enrolled.body;
  EXPECT_NE(not_enrolled.body.find("suket_not_enrolled"), std::string::npos);

  auto issued = call("POST", path, desk);
  ASSERT_EQ(issued.status, 201) << issued.body;
  const auto suket = boost::json::parse(issued.body).as_object();
  const std::string id(suket.at("id").as_string());
  const std::string qr(suket.at("qr_text").as_string());
  EXPECT_EQ(suket.at("ready").at("status").as_string(), "no_date");  // no blanko, none announced
  EXPECT_EQ(suket.at("ready").at("reason").as_string(), "no_stock_no_delivery");
  EXPECT_EQ(audited("op.pemalang", "suket.issue"), 1);

  // The public routes, with no token: the root, and the lists it signed, verify the SUKET.
  auto root = call("GET", "/api/v1/public/trust-root", "");
  ASSERT_EQ(root.status, 200) << root.body;
  auto root_key = card::bytes_of_base64url(boost::json::parse(root.body).at("public_key").as_string(), 32);
  ASSERT_OK(root_key);
  card::PublicKey pinned{};
  std::copy(root_key->begin(), root_key->end(), pinned.begin());
  auto list = call("GET", "/api/v1/public/trust-list", "");
  ASSERT_EQ(list.status, 200);
  auto trust = card::parse_trust_list(list.body, pinned);
  ASSERT_OK(trust);
  auto superseded_json = call("GET", "/api/v1/public/superseded", "");
  ASSERT_EQ(superseded_json.status, 200);
  auto superseded = card::parse_superseded_list(superseded_json.body, pinned);
  ASSERT_OK(superseded);
  auto verdict = card::verify_suket(qr, *trust, &*superseded, now_ms() / 1000);
  EXPECT_EQ(verdict.status, card::SuketStatus::kValid) << verdict.reason;
  EXPECT_EQ(verdict.id, id);

  // Listed and printed for the desk of the region only; the PNG's QR code is the SUKET.
  EXPECT_EQ(call("GET", "/api/v1/card/persons/" + nik + "/sukets", other_regency).status, 403);
  auto mine = call("GET", "/api/v1/card/persons/" + nik + "/sukets", desk);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(boost::json::parse(mine.body).at("sukets").as_array().size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/card/sukets/" + id + "/document.pdf", other_regency).status, 403);
  auto pdf = call("GET", "/api/v1/card/sukets/" + id + "/document.pdf", desk);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.body.rfind("%PDF", 0), 0u);
  auto png = call("GET", "/api/v1/card/sukets/" + id + "/document.png", desk);
  ASSERT_EQ(png.status, 200);
  auto read = card::read_qr_from_image(std::vector<std::uint8_t>(png.body.begin(), png.body.end()));
  ASSERT_OK(read);
  EXPECT_EQ(*read, qr);
  EXPECT_EQ(audited("op.pemalang", "read_suket"), 2);
  EXPECT_EQ(call("GET", "/api/v1/card/sukets/nope/document.pdf", desk).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/card/sukets/" + std::string(32, 'a') + "/document.pdf", desk).status, 404);
}

TEST_P(SuketRoutesTest, AServerWithoutKeysIssuesNone) {
  services->suket_keys = nullptr;
  EXPECT_EQ(call("POST", "/api/v1/card/persons/" + nik + "/suket", desk).status, 503);
  EXPECT_EQ(call("GET", "/api/v1/public/trust-list", "").status, 503);
}

EKTP_INSTANTIATE_FOR_BACKENDS(SuketRoutesTest);

}  // namespace
}  // namespace ektp::test
