// The chip as a card answers, driven by our reader in-process: the LDS application selected, BAC
// from the MRZ, EF.COM and DG1 read whole under secure messaging (a file longer than one 224-byte
// block too), and what a card must refuse: any file before BAC (6982), the fingerprints without an
// authorised terminal (6982), a wrong MRZ (6300), a missing file (6A82), a bad offset (6B00), a
// wrong length (6700), a plain command after BAC, a tampered MAC (6988) — and random commands.
#include "card/chip_card.h"

#include <gtest/gtest.h>

#include <random>

#include "card/lds_files.h"
#include "card/mrz.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

const std::array<std::string, 3> kMrz = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                         "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};

ChipCard::Random seeded(std::uint32_t seed) {
  auto rng = std::make_shared<std::mt19937>(seed);
  return [rng] {
    Bytes8 b{};
    for (auto& x : b) x = static_cast<std::uint8_t>((*rng)());
    return b;
  };
}

class ChipCardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChipContents c;
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
  EXPECT_EQ(sw_of(card->transmit(std::vector<std::uint8_t>{0x80, 0x84, 0x00, 0x00, 0x08})), sw::kClaNotSupported);
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

}  // namespace
}  // namespace ektp::card
