// A reader facing a card (or a line) that misbehaves: every APDU of a whole read — BAC, terminal
// authentication, EF.COM, the data groups, EF.SOD — in turn answered truncated, with extra bytes,
// with an unexpected status word, or not at all (the card removed mid-read). The reader must end
// with a clear error, or — when the fault could not matter — with data that still passes Passive
// Authentication; never a crash, never altered data taken as good.
#include <gtest/gtest.h>

#include "card/chip_certificates.h"
#include "card/chip_inspection.h"
#include "card/lds_files.h"
#include "card/security_object.h"
#include "support/chip_fixture.h"
#include "support/software_signer.h"

namespace ektp::card {
namespace {

constexpr std::int64_t kNow = 1796300000;
const std::array<std::string, 3> kMrz = {"I<IDN332700010<11<332701030493", "9304033M3610158IDN0001<<<<<<<4",
                                         "YUSUF<<<<<<<<<<<<<<<<<<<<<<<<<"};

struct SignedCard {
  test::SoftwareSigner csca_key, ds_key;
  std::vector<std::uint8_t> csca;
  ChipContents contents;
  Key32 terminal_key{};

  SignedCard() {
    csca = *make_csca_certificate({csca_key.public_key(), "CSCA Uji", 1, kNow - 86400, kNow + 86400 * 4000}, csca_key.signer());
    auto ds = *make_document_signer_certificate({ds_key.public_key(), "DS Uji", 2, kNow - 86400, kNow + 86400 * 4000},
                                                csca, csca_key.signer());
    std::map<int, std::vector<std::uint8_t>> groups = {{1, encode_dg1(kMrz)},
                                                       {2, encode_tlv(0x75, std::string(1500, 'F'))},
                                                       {3, encode_tlv(0x63, std::string(300, 'M'))},
                                                       {11, encode_tlv(0x6B, std::string("YUSUF"))}};
    terminal_key.fill(0x5A);
    contents.serial = {1, 2, 3, 4, 5, 6, 7, 8};
    contents.terminal_key = terminal_key;
    contents.locked = true;
    contents.mrz = kMrz;
    contents.files[kEfComId] = encode_ef_com({"0107", "040000", {1, 2, 3, 11}});
    for (const auto& [g, bytes] : groups) contents.files[data_group_file_id(g)] = bytes;
    contents.files[kEfSodId] = *make_ef_sod(groups, {ds, ds_key.signer(), kNow});
    contents.terminal_only.insert(data_group_file_id(3));
  }
};

enum class Fault { kTruncated, kOneByte, kExtraBytes, kUnexpectedStatus, kRemoved, kEmpty };

// Reads the card through a line that spoils the answer to APDU number `at` (0-based) with `fault`.
Result<ChipReading> read_with_fault(SignedCard& signed_card, Fault fault, int at, bool terminal) {
  auto card = ChipCard::make(signed_card.contents, test::seeded_chip_random(1));
  EXPECT_TRUE(card.has_value());
  int n = 0;
  const ChipReader::Transmit line = [&](std::span<const std::uint8_t> apdu) -> Result<std::vector<std::uint8_t>> {
    auto answer = card->transmit(apdu);
    if (n++ != at) return answer;
    switch (fault) {
      case Fault::kTruncated: answer.erase(answer.begin() + static_cast<std::ptrdiff_t>(answer.size() / 2), answer.end() - 2); break;
      case Fault::kOneByte: answer.resize(1); break;
      case Fault::kExtraBytes: answer.insert(answer.end() - 2, 300, 0xEE); break;
      case Fault::kUnexpectedStatus: answer = {0x6F, 0x00}; break;
      case Fault::kRemoved: return make_error(ErrorCode::kUnavailable, "transmitting to the card: the card was removed");
      case Fault::kEmpty: answer.clear(); break;
    }
    return answer;
  };
  const ChipKeyOf key = [&](std::span<const std::uint8_t>) -> Result<Key32> { return signed_card.terminal_key; };
  return read_chip(line, test::seeded_chip_random(2), kMrz, terminal ? &key : nullptr);
}

TEST(ChipReaderFaults, AFaultAtAnyApduEndsInAClearErrorNeverInAlteredData) {
  SignedCard signed_card;
  for (const bool terminal : {false, true}) {
    auto clean = read_with_fault(signed_card, Fault::kTruncated, -1, terminal);
    ASSERT_TRUE(clean.has_value()) << clean.error().message;
    ASSERT_TRUE(verify_chip(*clean, {signed_card.csca}, nullptr, kNow).passed());
    const int apdus = clean->apdus;
    ASSERT_GT(apdus, 15);
    for (const auto fault : {Fault::kTruncated, Fault::kOneByte, Fault::kExtraBytes, Fault::kUnexpectedStatus,
                             Fault::kRemoved, Fault::kEmpty}) {
      int refused = 0;
      for (int at = 0; at < apdus; ++at) {
        auto reading = read_with_fault(signed_card, fault, at, terminal);
        if (!reading) {
          EXPECT_FALSE(reading.error().message.empty());
          ++refused;
          continue;
        }
        // Read to the end anyway: what it holds must still be the issuer's, untouched.
        const auto verdict = verify_chip(*reading, {signed_card.csca}, nullptr, kNow);
        EXPECT_TRUE(verdict.passive_authentication.passed())
            << "fault " << static_cast<int>(fault) << " at APDU " << at << " gave altered data";
      }
      EXPECT_GE(refused, apdus - 2) << "fault " << static_cast<int>(fault) << ": nearly every APDU matters";
    }
  }
}

TEST(ChipReaderFaults, ACardRemovedMidReadNamesWhatWasBeingRead) {
  SignedCard signed_card;
  auto clean = read_with_fault(signed_card, Fault::kRemoved, -1, false);
  ASSERT_TRUE(clean.has_value());
  auto removed = read_with_fault(signed_card, Fault::kRemoved, clean->apdus - 3, false);
  ASSERT_FALSE(removed.has_value());
  EXPECT_EQ(removed.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(removed.error().message.find("removed"), std::string::npos) << removed.error().message;
}

TEST(ChipReaderFaults, AFileWhoseLengthIsTooLargeIsRefusedBeforeItIsRead) {
  SignedCard signed_card;
  // DG2 claims 16 MiB: the reader refuses before asking for a single block of it.
  signed_card.contents.files[data_group_file_id(2)] = {0x75, 0x84, 0x01, 0x00, 0x00, 0x00, 0x00};
  auto card = ChipCard::make(signed_card.contents, test::seeded_chip_random(1));
  ASSERT_TRUE(card.has_value());
  const ChipReader::Transmit line = [&](std::span<const std::uint8_t> apdu) -> Result<std::vector<std::uint8_t>> {
    return card->transmit(apdu);
  };
  auto reading = read_chip(line, test::seeded_chip_random(2), kMrz, nullptr);
  ASSERT_FALSE(reading.has_value());
  EXPECT_NE(reading.error().message.find("DG2"), std::string::npos) << reading.error().message;
}

TEST(ChipReaderFaults, MalformedDataGroupsReadButFailPassiveAuthentication) {
  SignedCard signed_card;
  // A DG11 nested deeper than any LDS reader allows, put on the card after signing.
  std::vector<std::uint8_t> deep = {0x5F, 0x0E, 0x01, 'X'};
  for (int i = 0; i < 12; ++i) deep = encode_constructed(0x6B, {deep});
  signed_card.contents.files[data_group_file_id(11)] = deep;
  auto card = ChipCard::make(signed_card.contents, test::seeded_chip_random(1));
  const ChipReader::Transmit line = [&](std::span<const std::uint8_t> apdu) -> Result<std::vector<std::uint8_t>> {
    return card->transmit(apdu);
  };
  auto reading = read_chip(line, test::seeded_chip_random(2), kMrz, nullptr);
  ASSERT_TRUE(reading.has_value()) << reading.error().message;
  EXPECT_FALSE(parse_tlv(reading->groups.at(11)).has_value()) << "the bounded parser refuses it";
  const auto verdict = verify_chip(*reading, {signed_card.csca}, nullptr, kNow);
  EXPECT_EQ(verdict.passive_authentication.groups.at(11), GroupHash::kMismatch);
  EXPECT_FALSE(verdict.passed());
}

}  // namespace
}  // namespace ektp::card
