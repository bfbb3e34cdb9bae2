// The print step with the chip through HTTP (POST /api/v1/card/offices/{office}/print-next when the
// server personalises chips): the card is printed and its blank chip — here an in-process one,
// keys in SoftHSM2 — personalised and checked, the answer naming its chip serial; a foreign chip
// (another factory's key) is refused, the blanko spoiled and the request waiting again (409
// chip_personalisation_failed); a caller of another regency is refused before anything is printed.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/card_routes.h"
#include "card/chip_personaliser.h"
#include "card/print_queue.h"
#include "support/card_fixture.h"
#include "support/route_fixture.h"
#include "support/chip_fixture.h"

namespace ektp::test {
namespace {

class CardPrintChipTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    if (!softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
    load_demo_regency(60);
    api::add_card_routes(router, *services);
    supervisor = office_user("sup.pemalang", Role::kSupervisor, "3327");
    other_regency = office_user("sup.tegal", Role::kSupervisor, "3328");
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto row = (*conn)->execute("SELECT nik FROM persons WHERE alive = 1 AND birth_date < '2000-01-01' ORDER BY nik LIMIT 1");
    ASSERT_OK(row);
    nik = row->rows.front().text(0);
    ASSERT_OK((*conn)->execute("UPDATE persons SET card_printed = 0 WHERE nik = $1", {nik}));
    token = fresh_softhsm_token("ektp-print", "141421");
    ASSERT_TRUE(token.has_value());
    card::ChipIssuer issuer(*token, db(), "setup");
    ASSERT_TRUE(issuer.initialise(now_ms() / 1000 - 86400).has_value());
    services->print_with_chip = [this](const card::StockChange& change) -> Result<card::PersonalisedChip> {
      card::ChipIssuer issuer_for_caller(*token, db(), change.actor);
      return card::print_and_personalise_next(
          issuer_for_caller, db(), change,
          [this](std::span<const std::uint8_t> apdu) -> Result<std::vector<std::uint8_t>> { return chip->transmit(apdu); },
          seeded_chip_random(3));
    };
  }
  void TearDown() override {
    if (services) services->print_with_chip = {};
    chip.reset();
    token.reset();
    RouteTest::TearDown();
  }
  void insert_blank_chip(const card::Key32& perso_key) {
    auto made = card::ChipCard::make(card::manufacture_blank_card(serial, perso_key), seeded_chip_random(1));
    ASSERT_TRUE(made.has_value());
    chip.emplace(std::move(*made));
  }
  void ready_with_one_blanko() {
    insert_ready_enrollment(db(), nik, now_ms() - 86'400'000);
    auto received =
        call("POST", "/api/v1/card/offices/3327/stock/receive", supervisor, R"({"first":1,"last":1,"allocation":"ALOK"})");
    ASSERT_EQ(received.status, 201) << received.body;
  }

  std::string supervisor, other_regency, nik;
  std::optional<card::Pkcs11Token> token;
  std::optional<card::ChipCard> chip;
  card::ChipSerial serial{0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58};
};

TEST_P(CardPrintChipTest, PrintNextPersonalisesTheChipAndNamesItsSerial) {
  ready_with_one_blanko();
  card::ChipIssuer issuer(*token, db(), "factory");
  insert_blank_chip(*issuer.perso_key(serial));
  EXPECT_EQ(call("POST", "/api/v1/card/offices/3327/print-next", other_regency).status, 403);
  auto printed = call("POST", "/api/v1/card/offices/3327/print-next", supervisor);
  ASSERT_EQ(printed.status, 200) << printed.body;
  const auto answer = boost::json::parse(printed.body).as_object();
  EXPECT_EQ(answer.at("status").as_string(), "printed");
  EXPECT_EQ(answer.at("chip").at("chip_serial").as_string(), "5152535455565758");
  EXPECT_EQ(answer.at("chip").at("document_signer").as_string(), card::signing_period_of(now_ms() / 1000).insert(0, "ektp-ds-"));
  EXPECT_TRUE(chip->contents().locked);
  EXPECT_EQ(audited("sup.pemalang", "chip.personalised"), 1);
  EXPECT_EQ(audited("sup.pemalang", "chip.signature"), 2) << "the quarter's Document Signer certificate (its first use) and the EF.SOD";
}

TEST_P(CardPrintChipTest, AForeignChipSpoilsItsBlankoAndTheRequestWaitsAgain) {
  ready_with_one_blanko();
  insert_blank_chip(card::Key32{});  // another factory's K_perso
  auto refused = call("POST", "/api/v1/card/offices/3327/print-next", supervisor);
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(boost::json::parse(refused.body).at("error").at("reason").as_string(), "chip_personalisation_failed");
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto requests = card::print_requests_of(**conn, nik);
  ASSERT_OK(requests);
  ASSERT_FALSE(requests->empty());
  EXPECT_EQ(requests->front().status, card::PrintStatus::kWaiting);
  auto spoiled = (*conn)->execute("SELECT COUNT(*) FROM blanko_serials WHERE state = 'spoiled'");
  ASSERT_OK(spoiled);
  EXPECT_EQ(spoiled->rows.front().integer(0), 1);
  // With no blanko left the answer is the usual one, and nothing touches the chip.
  auto none = call("POST", "/api/v1/card/offices/3327/print-next", supervisor);
  EXPECT_EQ(none.status, 409);
  EXPECT_EQ(boost::json::parse(none.body).at("error").at("reason").as_string(), "no_blanko_on_hand");
}

EKTP_INSTANTIATE_FOR_BACKENDS(CardPrintChipTest);

}  // namespace
}  // namespace ektp::test
