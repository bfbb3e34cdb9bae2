// The print step's chip, end to end in process on SQLite and PostgreSQL, keys in SoftHSM2: a
// resident enrolled with a real FVC finger is printed, their blank chip personalised and read
// back; an open verifier then passes Passive Authentication with the CSCA alone, reads DG3 only
// with the terminal key, matches the holder's other impression of that finger and not another
// person's; one changed byte of DG2 fails DG2 alone; another issuer's card fails the chain; a card
// reported lost is on the signed revocation list; a chip that cannot be personalised spoils its
// blanko and the request waits again.
#include "card/chip_production.h"

#include <gtest/gtest.h>

#include "card/byte_text.h"
#include "card/chip_certificates.h"
#include "card/chip_finger_check.h"
#include "card/chip_personaliser.h"
#include "card/lds_biometric.h"
#include "card/print_queue.h"
#include "store/migrations.h"
#include "support/card_fixture.h"
#include "support/software_signer.h"
#include "support/chip_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

constexpr std::int64_t kNowMs = 1'796'300'000'000;  // 2026-12-03
constexpr std::int64_t kDayMs = 86'400'000;
constexpr const char* kPin = "161803";

class ChipProductionTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    adults = test::demo_adults_without_card(db(), 60, 3);
    ASSERT_EQ(adults.size(), 3u);
    ASSERT_OK(receive_blanko(db(), {"3327", "petugas.stok", kNowMs - 40 * kDayMs}, {9001, 9100}, "alokasi-uji"));
    token = test::fresh_softhsm_token("ektp-production", kPin);
    ASSERT_TRUE(token.has_value());
    issuer.emplace(*token, db(), "petugas.cetak");
    ASSERT_TRUE(issuer->initialise(kNowMs / 1000 - 30 * 86400).has_value());
    csca = issuer->csca()->certificate;
  }
  void TearDown() override {
    issuer.reset();
    token.reset();
    BackendTest::TearDown();
  }

  // A blank chip from the factory: its K_perso from the issuer's master.
  ChipCard blank_chip(std::uint8_t seed) {
    ChipSerial serial{0xE4, 0x7B, 0x10, seed, 0x00, 0x00, 0x00, seed};
    auto card = ChipCard::make(manufacture_blank_card(serial, *issuer->perso_key(serial)), test::seeded_chip_random(seed));
    EXPECT_TRUE(card.has_value());
    return std::move(*card);
  }
  static ChipReader::Transmit over(ChipCard& card) {
    return [&card](std::span<const std::uint8_t> apdu) -> Result<std::vector<std::uint8_t>> { return card.transmit(apdu); };
  }
  std::int64_t printed_request(const std::string& nik, const std::string& finger = "101_1.tif") {
    test::insert_ready_enrollment(db(), nik, kNowMs - 40 * kDayMs, finger);
    EXPECT_TRUE(queue_ready_to_print(db(), kNowMs - 40 * kDayMs).has_value());
    auto done = print_next(db(), {"3327", "petugas.cetak", kNowMs - kDayMs});
    EXPECT_TRUE(done.has_value()) << (done ? "" : done.error().message);
    return done ? done->id : 0;
  }

  std::vector<std::string> adults;
  std::optional<Pkcs11Token> token;
  std::optional<ChipIssuer> issuer;
  std::vector<std::uint8_t> csca;
};

TEST_P(ChipProductionTest, APersonalisedChipPassesEveryCheckOfAnOpenVerifier) {
  const auto request = printed_request(adults[0], "101_1.tif");
  ChipCard card = blank_chip(1);
  auto chip = personalise_request(*issuer, db(), request, over(card), test::seeded_chip_random(7), "petugas.cetak", kNowMs);
  ASSERT_TRUE(chip.has_value()) << chip.error().message;
  EXPECT_EQ(chip->record.nik, adults[0]);
  EXPECT_EQ(chip->record.chip_serial, "e47b100100000001");
  EXPECT_EQ(chip->record.document_signer, "ektp-ds-2026q4");
  EXPECT_GT(chip->apdus_written, 20);
  {
    auto conn = db().connect();
    auto recorded = personalisation_of_chip(**conn, "e47b100100000001");
    ASSERT_TRUE(recorded.has_value() && recorded->has_value());
    EXPECT_EQ((*recorded)->print_request, request);
    EXPECT_EQ((*recorded)->blanko_serial, chip->record.blanko_serial);
  }
  EXPECT_EQ(personalise_request(*issuer, db(), request, over(card), test::seeded_chip_random(8), "petugas.cetak", kNowMs).error().code,
            ErrorCode::kFailedPrecondition)
      << "one chip per printed request";

  // An open verifier: no terminal key, the CSCA alone.
  auto reading = read_chip(over(card), test::seeded_chip_random(9), chip->mrz, nullptr);
  ASSERT_TRUE(reading.has_value()) << reading.error().message;
  EXPECT_EQ(reading->com.groups, (std::vector<int>{1, 2, 3, 7, 11, 12, 13}));
  EXPECT_FALSE(reading->groups.contains(3));
  EXPECT_NE(reading->not_read.at(3).find("6982"), std::string::npos) << reading->not_read.at(3);
  const auto verdict = verify_chip(*reading, {csca}, nullptr, kNowMs / 1000);
  EXPECT_TRUE(verdict.passed()) << verdict.passive_authentication.chain_error;
  EXPECT_EQ(verdict.passive_authentication.groups.at(3), GroupHash::kNotRead);
  for (const int g : {1, 2, 7, 11, 12, 13}) EXPECT_EQ(verdict.passive_authentication.groups.at(g), GroupHash::kMatch) << g;

  // An authorised reader: DG3, signed like the rest, and the holder's finger.
  const ChipKeyOf terminal = [&](std::span<const std::uint8_t> s) { return issuer->terminal_key(s); };
  auto authorised = read_chip(over(card), test::seeded_chip_random(10), chip->mrz, &terminal);
  ASSERT_TRUE(authorised.has_value()) << authorised.error().message;
  ASSERT_TRUE(authorised->groups.contains(3));
  EXPECT_EQ(verify_chip(*authorised, {csca}, nullptr, kNowMs / 1000).passive_authentication.groups.at(3), GroupHash::kMatch);
  auto fingers = parse_dg3(authorised->groups.at(3));
  ASSERT_TRUE(fingers.has_value()) << fingers.error().message;
  ASSERT_EQ(fingers->size(), 1u);
  EXPECT_EQ((*fingers)[0].position, 2);
  ChipFingerTries tries;
  auto holder = tries.attempt(*fingers, test::card_test_fingerprint("101_2.tif"));
  ASSERT_TRUE(holder.has_value()) << holder.error().message;
  EXPECT_TRUE(holder->matched) << holder->best_score;
  ChipFingerTries other_tries;
  auto other = other_tries.attempt(*fingers, test::card_test_fingerprint("102_1.tif"));
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->matched) << other->best_score;
  EXPECT_FALSE(other_tries.attempt(*fingers, test::tiny_png()).has_value()) << "not a fingerprint";
  for (int i = 1; i < kChipFingerTriesMax; ++i) EXPECT_TRUE(other_tries.attempt(*fingers, test::card_test_fingerprint("102_1.tif")));
  EXPECT_EQ(other_tries.attempt(*fingers, test::card_test_fingerprint("102_1.tif")).error().reason, "finger_tries_exhausted");

  // A wrong terminal key is refused.
  const ChipKeyOf wrong = [](std::span<const std::uint8_t>) -> Result<Key32> { return Key32{}; };
  EXPECT_EQ(read_chip(over(card), test::seeded_chip_random(11), chip->mrz, &wrong).error().reason, "terminal_refused");
}

TEST_P(ChipProductionTest, OneChangedByteOfDg2FailsDg2Only) {
  const auto request = printed_request(adults[0]);
  ChipCard card = blank_chip(2);
  auto chip = personalise_request(*issuer, db(), request, over(card), test::seeded_chip_random(1), "petugas.cetak", kNowMs);
  ASSERT_TRUE(chip.has_value()) << chip.error().message;
  auto contents = card.contents();
  auto& dg2 = contents.files.at(data_group_file_id(2));
  dg2[dg2.size() / 2] ^= 0x01;
  auto altered = ChipCard::make(contents, test::seeded_chip_random(3));
  ASSERT_TRUE(altered.has_value());
  auto reading = read_chip(over(*altered), test::seeded_chip_random(4), chip->mrz, nullptr);
  ASSERT_TRUE(reading.has_value());
  const auto verdict = verify_chip(*reading, {csca}, nullptr, kNowMs / 1000);
  EXPECT_FALSE(verdict.passed());
  EXPECT_TRUE(verdict.passive_authentication.signature_valid);
  EXPECT_TRUE(verdict.passive_authentication.chain_valid);
  for (const auto& [group, result] : verdict.passive_authentication.groups) {
    EXPECT_EQ(result, group == 2 ? GroupHash::kMismatch : group == 3 ? GroupHash::kNotRead : GroupHash::kMatch) << group;
  }
}

TEST_P(ChipProductionTest, ALostCardIsOnTheSignedRevocationList) {
  const auto request = printed_request(adults[0]);
  ChipCard card = blank_chip(3);
  auto chip = personalise_request(*issuer, db(), request, over(card), test::seeded_chip_random(1), "petugas.cetak", kNowMs);
  ASSERT_TRUE(chip.has_value()) << chip.error().message;
  auto before = verify_revocation_list(*issuer->revocation_list(kNowMs / 1000, 86400), {csca});
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->find(chip->record.chip_serial), nullptr);
  ASSERT_TRUE(request_replacement(db(), {adults[0], PrintReason::kLost, "LP/123/XII/2026", ""}, "petugas.loket", kNowMs)
                  .has_value());
  auto after = verify_revocation_list(*issuer->revocation_list(kNowMs / 1000 + 60, 86400), {csca});
  ASSERT_TRUE(after.has_value()) << after.error().message;
  ASSERT_NE(after->find(chip->record.chip_serial), nullptr);
  EXPECT_EQ(after->find(chip->record.chip_serial)->reason, "lost");
  EXPECT_EQ(after->find(chip->record.chip_serial)->nik, adults[0]);
  auto reading = read_chip(over(card), test::seeded_chip_random(2), chip->mrz, nullptr);
  ASSERT_TRUE(reading.has_value());
  const auto verdict = verify_chip(*reading, {csca}, &*after, kNowMs / 1000 + 120);
  EXPECT_TRUE(verdict.passive_authentication.passed()) << "still the issuer's data";
  ASSERT_TRUE(verdict.revoked.has_value());
  EXPECT_FALSE(verdict.passed()) << "but revoked";
}

TEST_P(ChipProductionTest, AnotherIssuersCardFailsTheChain) {
  const auto request = printed_request(adults[0]);
  ChipCard card = blank_chip(4);
  auto chip = personalise_request(*issuer, db(), request, over(card), test::seeded_chip_random(1), "petugas.cetak", kNowMs);
  ASSERT_TRUE(chip.has_value());
  auto reading = read_chip(over(card), test::seeded_chip_random(2), chip->mrz, nullptr);
  ASSERT_TRUE(reading.has_value());
  test::SoftwareSigner stranger;
  auto foreign_csca = make_csca_certificate({stranger.public_key(), "CSCA Lain", 5, 1, 4'000'000'000}, stranger.signer());
  const auto verdict = verify_chip(*reading, {*foreign_csca}, nullptr, kNowMs / 1000);
  EXPECT_TRUE(verdict.passive_authentication.signature_valid);
  EXPECT_FALSE(verdict.passive_authentication.chain_valid);
  EXPECT_FALSE(verdict.passed());
}

TEST_P(ChipProductionTest, AChipThatFailsSpoilsItsBlankoAndTheRequestWaitsAgain) {
  test::insert_ready_enrollment(db(), adults[1], kNowMs - 40 * kDayMs);
  ASSERT_TRUE(queue_ready_to_print(db(), kNowMs - 40 * kDayMs).has_value());
  // A chip the issuer never made: its K_perso is not the master's.
  auto stranger = ChipCard::make(manufacture_blank_card(ChipSerial{9, 9, 9, 9, 9, 9, 9, 9}, Key32{}), test::seeded_chip_random(5));
  ASSERT_TRUE(stranger.has_value());
  auto chip = print_and_personalise_next(*issuer, db(), {"3327", "petugas.cetak", kNowMs}, over(*stranger), test::seeded_chip_random(6));
  ASSERT_FALSE(chip.has_value());
  EXPECT_EQ(chip.error().reason, kChipPersonalisationFailed);
  EXPECT_NE(chip.error().message.find("issuer_auth_refused"), std::string::npos) << chip.error().message;
  auto conn = db().connect();
  auto requests = print_requests_of(**conn, adults[1]);
  ASSERT_TRUE(requests.has_value() && !requests->empty());
  EXPECT_EQ(requests->front().status, PrintStatus::kWaiting) << "waits again at its place";
  auto spoiled = (*conn)->execute("SELECT COUNT(*) FROM blanko_serials WHERE state = 'spoiled'");
  ASSERT_TRUE(spoiled.has_value());
  EXPECT_EQ(spoiled->rows.front().integer(0), 1);
  EXPECT_FALSE(personalisation_of_request(**conn, requests->front().id)->has_value()) << "nothing recorded";
}

EKTP_INSTANTIATE_FOR_BACKENDS(ChipProductionTest);

}  // namespace
}  // namespace ektp::card
