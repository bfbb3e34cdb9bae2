// The chip as a card answers, driven by our reader in-process: the LDS application selected, BAC
// from the MRZ, EF.COM and DG1 read whole under secure messaging (a file longer than one 224-byte
// block too), GET UID, and what a card must refuse: any file before BAC (6982), the fingerprints
// without terminal authentication (6982) or with a wrong terminal key (6300), a wrong MRZ (6300),
// a missing file (6A82), a bad offset (6B00), a wrong length (6700), a plain command after BAC, a
// tampered MAC (6988), personalisation commands on a locked card (6985) — and random commands.
#include "card/chip_card.h"

#include <gtest/gtest.h>

#include <random>

#include "card/bac_keys.h"
#include "card/chip_keys.h"
#include "card/lds_files.h"
#include "card/mrz.h"
#include "support/chip_fixture.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

const std::array<std::string, 3> kMrz = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                         "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};

const ChipSerial kSerial = {0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
const Key32 kTerminalMaster = [] {
  Key32 k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(0xA0 + i);
  return k;
}();

ChipCard::Random seeded(std::uint32_t seed) { return test::seeded_chip_random(seed); }

class ChipCardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChipContents c;
    c.serial = kSerial;
    c.terminal_key = diversify_chip_key(kTerminalMaster, kTerminalKeyLabel, kSerial);
    c.locked = true;
    c.mrz = kMrz;
    c.files[kEfComId] = encode_ef_com({"0107", "040000", {1, 2, 3}});
    c.files[data_group_file_id(1)] = encode_dg1(kMrz);
    std::vector<std::uint8_t> face(1000);
    for (std::size_t i = 0; i < face.size(); ++i) face[i] = static_cast<std::uint8_t>(i * 7);
    c.files[data_group_file_id(2)] = encode_tlv(0x75, face);
    c.files[data_group_file_id(3)] = encode_tlv(0x63, std::vector<std::uint8_t>(50, 0x33));
    c.terminal_only.insert(data_group_file_id(3));
    auto made = ChipCard::make(std::move(c), seeded(1));
    ASSERT_OK(made);
    card.emplace(std::move(*made));
  }
  ChipReader reader() {
    return ChipReader([this](std::span<const std::uint8_t> apdu) -> Result<std::vector<std::uint8_t>> {
      if (tamper_next && (apdu[0] & 0x0C) == 0x0C) {  // one bit of the command's MAC, on the way
        tamper_next = false;
        std::vector<std::uint8_t> bad(apdu.begin(), apdu.end());
        bad[bad.size() - 2] ^= 0x01;
        return card->transmit(bad);
      }
      return card->transmit(apdu);
    }, seeded(2));
  }
  std::uint16_t sw_of(const std::vector<std::uint8_t>& r) { return static_cast<std::uint16_t>(r[r.size() - 2] << 8 | r.back()); }
  std::optional<ChipCard> card;
  bool tamper_next = false;
};

TEST_F(ChipCardTest, AReaderThatKnowsTheMrzReadsTheFilesUnderSecureMessaging) {
  auto r = reader();
  ASSERT_OK(r.open(kMrz));
  auto com = r.read_file(kEfComId);
  ASSERT_OK(com);
  auto parsed = parse_ef_com(*com);
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->groups, (std::vector<int>{1, 2, 3}));
  auto dg1 = r.read_file(data_group_file_id(1));
  ASSERT_OK(dg1);
  EXPECT_EQ(*parse_dg1(*dg1), kMrz);
  auto dg2 = r.read_file(data_group_file_id(2));  // five blocks
  ASSERT_OK(dg2);
  EXPECT_EQ(dg2->size(), 1004u);
  EXPECT_EQ((*dg2)[4 + 999], static_cast<std::uint8_t>(999 * 7));
  // The fingerprints need an authorised terminal; a file not on the card.
  auto dg3 = r.read_file(data_group_file_id(3));
  ASSERT_FALSE(dg3.has_value());
  EXPECT_EQ(dg3.error().reason, "card_security_status");
  EXPECT_ERROR(r.read_file(data_group_file_id(7)), ErrorCode::kNotFound, "6A82");
}

TEST_F(ChipCardTest, WhatACardMustRefuse) {
  // Before the application is selected, and before BAC.
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x00, 0x84, 0x00, 0x00, 0x08})), sw::kConditionsNotSatisfied);
  std::vector<std::uint8_t> select = {0x00, 0xA4, 0x04, 0x0C, 0x07};
  select.insert(select.end(), kLdsAid.begin(), kLdsAid.end());
  EXPECT_EQ(sw_of(card->transmit(select)), sw::kOk);
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E})),
            sw::kSecurityNotSatisfied);
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x00, 0xB0, 0x00, 0x00, 0x04})), sw::kSecurityNotSatisfied);
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x00, 0x84, 0x00, 0x00, 0x07})), sw::kWrongLength);
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x80, 0x84, 0x00, 0x00, 0x08})), sw::kConditionsNotSatisfied);
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x90, 0x84, 0x00, 0x00, 0x08})), sw::kClaNotSupported);
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x00, 0xCA, 0x00, 0x00, 0x00})), sw::kInsNotSupported);
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x00, 0xA4})), sw::kWrongLength);
  std::vector<std::uint8_t> other_aid = {0x00, 0xA4, 0x04, 0x0C, 0x03, 0xA0, 0x00, 0x01};
  EXPECT_EQ(sw_of(card->transmit(other_aid)), sw::kFileNotFound);

  // A reader with another MRZ is refused (6300).
  auto fields = decode_td1(kMrz);
  ASSERT_OK(fields);
  fields->birth_date = CivilDate{std::chrono::year{1974}, std::chrono::August, std::chrono::day{13}};
  auto other = encode_td1(*fields);  // another birth date, every check digit right
  ASSERT_OK(other);
  const auto wrong = *other;
  auto r = reader();
  auto refused = r.open(wrong);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, "bac_refused");

  // After BAC: a bad offset, a block over 224, a plain command ends the session.
  auto ok = reader();
  ASSERT_OK(ok.open(kMrz));
  ASSERT_OK(ok.read_file(kEfComId));
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x00, 0xB0, 0x00, 0x00, 0x04})), sw::kSmObjectsMissing);
  EXPECT_ERROR(ok.read_file(kEfComId), ErrorCode::kFailedPrecondition, "");  // the session is gone
  ASSERT_OK(ok.open(kMrz));
  ASSERT_OK(ok.read_file(data_group_file_id(1)));

  // A command whose MAC was changed on the way: 6988, and the session is over.
  tamper_next = true;
  EXPECT_ERROR(ok.read_file(kEfComId), ErrorCode::kFailedPrecondition, "6988");
  EXPECT_ERROR(ok.read_file(kEfComId), ErrorCode::kFailedPrecondition, "open the card");

  // Random commands never crash the card.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::uint8_t> apdu(rng() % 40);
    for (auto& b : apdu) b = static_cast<std::uint8_t>(rng());
    const auto answer = card->transmit(apdu);
    ASSERT_GE(answer.size(), 2u);
  }
}

TEST_F(ChipCardTest, GetUidAnswersTheSerialAnyTimeAndLeavesSecureMessagingAlone) {
  const auto uid = card->transmit(std::vector<std::uint8_t>{0xFF, 0xCA, 0x00, 0x00, 0x00});
  ASSERT_EQ(uid.size(), 10u);
  EXPECT_EQ(sw_of(uid), sw::kOk);
  EXPECT_TRUE(std::equal(kSerial.begin(), kSerial.end(), uid.begin()));
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0xFF, 0xCA, 0x01, 0x00, 0x00})), sw::kWrongOffset);
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0xFF, 0xCA, 0x00, 0x00, 0x04})), sw::kWrongLength);
  auto r = reader();
  ASSERT_OK(r.open(kMrz));
  auto serial = r.chip_serial();
  ASSERT_OK(serial);
  EXPECT_EQ(*serial, kSerial);
  ASSERT_OK(r.read_file(kEfComId));  // the session is still there
}

TEST_F(ChipCardTest, TheFingerprintsNeedTerminalAuthenticationWithTheCardsTerminalKey) {
  auto r = reader();
  ASSERT_OK(r.open(kMrz));
  EXPECT_ERROR(r.read_file(data_group_file_id(3)), ErrorCode::kPermissionDenied, "6982");
  int asked = 0;
  // A terminal whose key is not this card's: refused, DG3 still closed, the session goes on.
  Key32 other_master = kTerminalMaster;
  other_master[0] ^= 1;
  auto wrong = r.authenticate_terminal([&](std::span<const std::uint8_t> serial) -> Result<Key32> {
    ++asked;
    return diversify_chip_key(other_master, kTerminalKeyLabel, serial);
  });
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().reason, "terminal_refused");
  EXPECT_ERROR(r.read_file(data_group_file_id(3)), ErrorCode::kPermissionDenied, "6982");
  ASSERT_OK(r.read_file(data_group_file_id(1)));
  // The right one: DG3 for the rest of the session.
  ASSERT_OK(r.authenticate_terminal([&](std::span<const std::uint8_t> serial) -> Result<Key32> {
    ++asked;
    EXPECT_TRUE(std::equal(serial.begin(), serial.end(), kSerial.begin(), kSerial.end()));
    return diversify_chip_key(kTerminalMaster, kTerminalKeyLabel, serial);
  }));
  EXPECT_EQ(asked, 2);
  auto dg3 = r.read_file(data_group_file_id(3));
  ASSERT_OK(dg3);
  EXPECT_EQ(dg3->size(), 52u);
  EXPECT_EQ((*dg3)[10], 0x33);
  ASSERT_OK(r.read_file(data_group_file_id(3)));
  // A new session (BAC again) starts without it; so does one after a reset.
  ASSERT_OK(r.open(kMrz));
  EXPECT_ERROR(r.read_file(data_group_file_id(3)), ErrorCode::kPermissionDenied, "6982");
  ASSERT_OK(r.authenticate_terminal([](std::span<const std::uint8_t> serial) -> Result<Key32> {
    return diversify_chip_key(kTerminalMaster, kTerminalKeyLabel, serial);
  }));
  ASSERT_OK(r.read_file(data_group_file_id(3)));
  card->reset();
  ASSERT_OK(r.open(kMrz));
  EXPECT_ERROR(r.read_file(data_group_file_id(3)), ErrorCode::kPermissionDenied, "6982");
  // The key source's error comes back as it is; before BAC there is nothing to authenticate.
  EXPECT_ERROR(r.authenticate_terminal([](std::span<const std::uint8_t>) -> Result<Key32> {
    return make_error(ErrorCode::kUnavailable, "the token is not inserted");
  }), ErrorCode::kUnavailable, "token");
  auto fresh = reader();
  EXPECT_ERROR(fresh.authenticate_terminal([](std::span<const std::uint8_t> serial) -> Result<Key32> {
    return diversify_chip_key(kTerminalMaster, kTerminalKeyLabel, serial);
  }), ErrorCode::kFailedPrecondition, "open the card");
}

TEST_F(ChipCardTest, TerminalAuthenticationIsOnlyUnderSecureMessagingAndOneTryPerChallenge) {
  std::vector<std::uint8_t> select = {0x00, 0xA4, 0x04, 0x0C, 0x07};
  select.insert(select.end(), kLdsAid.begin(), kLdsAid.end());
  ASSERT_EQ(sw_of(card->transmit(select)), sw::kOk);
  // Plain, EXTERNAL AUTHENTICATE with P2 01 is BAC's, without a challenge: refused.
  std::vector<std::uint8_t> plain = {0x00, 0x82, 0x00, 0x01, 0x20};
  plain.resize(5 + 32, 0);
  EXPECT_EQ(sw_of(card->transmit(plain)), sw::kConditionsNotSatisfied);
  // BAC by hand, to send protected commands of our own.
  const auto challenge = card->transmit(std::vector<std::uint8_t>{0x00, 0x84, 0x00, 0x00, 0x08});
  ASSERT_EQ(challenge.size(), 10u);
  Bytes8 rnd_icc{};
  std::copy_n(challenge.begin(), 8, rnd_icc.begin());
  auto information = bac_mrz_information(kMrz);
  ASSERT_OK(information);
  auto keys = derive_bac_keys(*information);
  ASSERT_OK(keys);
  const Bytes8 rnd_ifd = {1, 2, 3, 4, 5, 6, 7, 8};
  std::array<std::uint8_t, 16> k_ifd{};
  k_ifd.fill(9);
  std::vector<std::uint8_t> authenticate = {0x00, 0x82, 0x00, 0x00, 40};
  const auto cryptogram = terminal_cryptogram(*keys, rnd_ifd, rnd_icc, k_ifd);
  authenticate.insert(authenticate.end(), cryptogram.begin(), cryptogram.end());
  authenticate.push_back(40);
  const auto answer = card->transmit(authenticate);
  ASSERT_EQ(sw_of(answer), sw::kOk);
  auto session = terminal_session(*keys, std::span(answer).first(answer.size() - 2), rnd_ifd, rnd_icc, k_ifd);
  ASSERT_OK(session);
  const auto sm = [&](std::vector<std::uint8_t> apdu) {
    auto protected_apdu = protect_command(*session, apdu);
    EXPECT_TRUE(protected_apdu.has_value());
    auto response = unprotect_response(*session, card->transmit(*protected_apdu));
    EXPECT_TRUE(response.has_value());
    return response ? *response : std::vector<std::uint8_t>{0, 0};
  };
  const auto terminal_mac = [&](std::span<const std::uint8_t> chal, const Key32& master) {
    std::vector<std::uint8_t> apdu = {0x00, 0x82, 0x00, 0x01, 0x20};
    const auto mac = challenge_answer(diversify_chip_key(master, kTerminalKeyLabel, kSerial), chal.first(8), kSerial);
    apdu.insert(apdu.end(), mac.begin(), mac.end());
    return apdu;
  };
  const std::vector<std::uint8_t> select_dg3 = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x03};
  EXPECT_EQ(sw_of(sm(select_dg3)), sw::kSecurityNotSatisfied);
  const std::vector<std::uint8_t> no_challenge(32, 0);
  EXPECT_EQ(sw_of(sm(terminal_mac(no_challenge, kTerminalMaster))), sw::kConditionsNotSatisfied);
  auto chal = sm({0x00, 0x84, 0x00, 0x00, 0x08});
  ASSERT_EQ(chal.size(), 10u);
  ASSERT_EQ(sw_of(chal), sw::kOk);
  EXPECT_EQ(sw_of(sm({0x00, 0x82, 0x00, 0x00, 0x02, 0x01, 0x02})), sw::kWrongOffset);  // P2 00 is BAC's
  EXPECT_EQ(sw_of(sm({0x00, 0x82, 0x00, 0x01, 0x02, 0x01, 0x02})), sw::kWrongLength);
  Key32 wrong_master = kTerminalMaster;
  wrong_master[5] ^= 0x40;
  chal = sm({0x00, 0x84, 0x00, 0x00, 0x08});
  EXPECT_EQ(sw_of(sm(terminal_mac(chal, wrong_master))), sw::kAuthenticationFailed);
  EXPECT_EQ(sw_of(sm(terminal_mac(chal, kTerminalMaster))), sw::kConditionsNotSatisfied);  // the challenge is spent
  EXPECT_EQ(sw_of(sm(select_dg3)), sw::kSecurityNotSatisfied);
  chal = sm({0x00, 0x84, 0x00, 0x00, 0x08});
  EXPECT_EQ(sw_of(sm(terminal_mac(chal, kTerminalMaster))), sw::kOk);
  EXPECT_EQ(sw_of(sm(select_dg3)), sw::kOk);
  const auto block = sm({0x00, 0xB0, 0x00, 0x00, 0x10});
  ASSERT_EQ(block.size(), 18u);
  EXPECT_EQ(block[5], 0x33);
  // Personalisation commands under SM on a locked card: 6985.
  EXPECT_EQ(sw_of(sm({0x80, 0x44, 0x00, 0x00})), sw::kConditionsNotSatisfied);
}

TEST(ChipCardFuzzTest, RandomAndTruncatedCommandsNeverCrashABlankOrALockedCard) {
  ChipContents blank;
  blank.serial = kSerial;
  blank.perso_key = Key32{};
  ChipContents locked;
  locked.serial = kSerial;
  locked.mrz = kMrz;
  locked.locked = true;
  locked.terminal_key = Key32{};
  locked.files[kEfComId] = encode_ef_com({"0107", "040000", {1}});
  locked.files[data_group_file_id(3)] = std::vector<std::uint8_t>(40, 1);
  locked.terminal_only.insert(data_group_file_id(3));
  // The blank card twice: as it comes, and issuer-authenticated (again after each reset), so the
  // personalisation commands see random data too.
  const auto issuer_auth = [](ChipCard& card) {
    const auto challenge = card.transmit(std::vector<std::uint8_t>{0x00, 0x84, 0x00, 0x00, 0x08});
    if (challenge.size() != 10) return;
    const auto mac = challenge_answer(Key32{}, std::span(challenge).first(8), kSerial);
    std::vector<std::uint8_t> apdu = {0x80, 0x82, 0x00, 0x00, 0x20};
    apdu.insert(apdu.end(), mac.begin(), mac.end());
    card.transmit(apdu);
  };
  int run = 0;
  for (const auto& contents : {blank, blank, locked}) {
    const bool authenticated = run++ == 1;
    auto made = ChipCard::make(contents, seeded(3));
    ASSERT_OK(made);
    if (authenticated) issuer_auth(*made);
    std::mt19937 rng(11);
    const std::uint8_t classes[] = {0x00, 0x0C, 0x80, 0xFF, 0x8C};
    const std::uint8_t instructions[] = {0xA4, 0xB0, 0x84, 0x82, 0xCA, 0xDA, 0xE0, 0xD6, 0x44};
    for (int i = 0; i < 5000; ++i) {
      std::vector<std::uint8_t> apdu(rng() % 48);
      for (auto& b : apdu) b = static_cast<std::uint8_t>(rng());
      if (apdu.size() >= 2 && rng() % 4 != 0) {  // mostly commands the card knows, with random lengths
        apdu[0] = classes[rng() % std::size(classes)];
        apdu[1] = instructions[rng() % std::size(instructions)];
      }
      if (apdu.size() >= 5 && rng() % 2 == 0) apdu[4] = static_cast<std::uint8_t>(apdu.size() - 5 + rng() % 3 - 1);
      if (authenticated && apdu.size() >= 2 && apdu[0] == 0x80 && apdu[1] == 0x82) apdu[1] = 0xD6;  // do not block it
      if (authenticated && rng() % 3 == 0) {  // well-formed creations and writes, at random places and sizes
        const auto fid = static_cast<std::uint8_t>(rng() % 8);
        const auto size = static_cast<std::uint16_t>(rng() % 400);
        apdu = rng() % 2 == 0 ? std::vector<std::uint8_t>{0x80, 0xE0, 0x00, 0x00, 0x05, 0x01, fid,
                                                          static_cast<std::uint8_t>(size >> 8),
                                                          static_cast<std::uint8_t>(size), static_cast<std::uint8_t>(rng() % 3)}
                              : std::vector<std::uint8_t>{0x80, 0xD6, static_cast<std::uint8_t>(rng() % 3),
                                                          static_cast<std::uint8_t>(rng()), 0x01, 0x55};
      }
      ASSERT_GE(made->transmit(apdu).size(), 2u) << i;
      ASSERT_LE(made->contents().files.size(), kChipFilesMax);
      if (rng() % 500 == 0) {
        made->reset();
        if (authenticated) issuer_auth(*made);
      }
    }
    if (authenticated) {
      EXPECT_FALSE(made->contents().files.empty()) << "the fuzz never created a file";
    }
  }
}

}  // namespace
}  // namespace ektp::card
