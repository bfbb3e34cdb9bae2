// BER-TLV and the first LDS files: ICAO's own EF.COM example (LDS 1.6, Unicode 4.0.0, DG1 and DG2),
// DG1 holding a TD1 MRZ, and hostile input — cut lengths, tags of four bytes, indefinite lengths,
// nesting past the limit, random bytes — refused naming the offset, never crashing.
#include "card/lds_files.h"

#include <gtest/gtest.h>

#include <random>

#include <fmt/format.h>

#include "support/hex_bytes.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

using test::bytes_of_hex;
const auto bytes = [](std::string_view h) { return bytes_of_hex(h); };
const auto hex = [](const auto& r) { return test::hex_of(r); };


// ICAO 9303 Part 11 Appendix D.4: the EF.COM read under secure messaging.
constexpr std::string_view kIcaoEfCom = "60145F0104303130365F36063034303030305C026175";

TEST(LdsFilesTest, TheEfComOfIcaosExample) {
  auto com = parse_ef_com(bytes(kIcaoEfCom));
  ASSERT_OK(com);
  EXPECT_EQ(com->lds_version, "0106");
  EXPECT_EQ(com->unicode_version, "040000");
  EXPECT_EQ(com->groups, (std::vector<int>{1, 2}));
  EXPECT_EQ(hex(encode_ef_com(*com)), kIcaoEfCom);
  EXPECT_EQ(data_group_tag(3), 0x63);
  EXPECT_EQ(data_group_of_tag(0x6D), 13);
  EXPECT_EQ(data_group_file_id(13), 0x010D);
  EXPECT_ERROR(parse_ef_com(bytes("61025C00")), ErrorCode::kInvalidArgument, "not 60");
  EXPECT_ERROR(parse_ef_com(bytes("600A5F0102303136360101")), ErrorCode::kInvalidArgument, "");
}

TEST(LdsFilesTest, Dg1HoldsTheMrzWithItsCheckDigits) {
  const std::array<std::string, 3> mrz = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                          "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};
  const auto dg1 = encode_dg1(mrz);
  EXPECT_EQ(dg1.size(), 2u + 3u + 90u);
  auto back = parse_dg1(dg1);
  ASSERT_OK(back);
  EXPECT_EQ(*back, mrz);
  auto tampered = dg1;
  tampered[5 + 6] = '9';  // a character of the document number: its check digit no longer holds
  EXPECT_ERROR(parse_dg1(tampered), ErrorCode::kInvalidArgument, "check digit");
}

TEST(BerTlvTest, HostileInputIsRefusedNamingTheOffset) {
  EXPECT_ERROR(parse_tlv(bytes("5F1F05414243")), ErrorCode::kInvalidArgument, "says 5 bytes, 3 are left");
  EXPECT_ERROR(parse_tlv(bytes("5F")), ErrorCode::kInvalidArgument, "cut short");
  EXPECT_ERROR(parse_tlv(bytes("5F8181810100")), ErrorCode::kInvalidArgument, "more than three bytes");
  EXPECT_ERROR(parse_tlv(bytes("618000000000")), ErrorCode::kInvalidArgument, "indefinite");
  EXPECT_ERROR(parse_tlv(bytes("6184FFFFFFFF")), ErrorCode::kInvalidArgument, "more than three bytes");
  EXPECT_ERROR(parse_tlv(bytes("61008100")), ErrorCode::kInvalidArgument, "2 objects");
  EXPECT_ERROR(parse_tlv({}), ErrorCode::kInvalidArgument, "0 objects");
  // Nested deeper than the limit.
  std::vector<std::uint8_t> deep = {0x04, 0x00};
  for (std::size_t i = 0; i <= kTlvDepthMax; ++i) deep = encode_tlv(0x61, deep);
  EXPECT_ERROR(parse_tlv(deep), ErrorCode::kInvalidArgument, "nested deeper");
  // Long lengths round trip.
  const std::vector<std::uint8_t> big(70000, 0xAB);
  auto parsed = parse_tlv(encode_tlv(0x5F2E, big));
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->value.size(), big.size());
  // Random bytes never crash; a short valid object inside them still parses.
  std::mt19937 rng(20261203);
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::uint8_t> junk(rng() % 64);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    (void)parse_tlv_sequence(junk);
  }
}

}  // namespace
}  // namespace ektp::card
