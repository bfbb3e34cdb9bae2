// The TD1 machine-readable zone and the BAC keys against ICAO 9303's own examples: the TD1 card of
// Part 5 (Anna Maria Eriksson of Utopia), the check digits, a long document number, and the key
// derivation worked example of Part 11 Appendix D (L898902C<, 690806, 940623); and bad lines,
// refused naming where.
#include "card/bac_keys.h"
#include "card/mrz.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "support/test_support.h"

namespace ektp::card {
namespace {

using namespace std::chrono;

std::string hex(const DesKey16& k) {
  std::string out;
  for (auto b : k) out += fmt::format("{:02X}", b);
  return out;
}

// ICAO 9303 Part 5, Appendix A (TD1 specimen).
const std::array<std::string, 3> kSpecimen = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                              "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};

TEST(MrzTest, CheckDigitsFollowTheWeights731) {
  EXPECT_EQ(*mrz_check_digit("D23145890"), '7');
  EXPECT_EQ(*mrz_check_digit("740812"), '2');
  EXPECT_EQ(*mrz_check_digit("120415"), '9');
  EXPECT_EQ(*mrz_check_digit("L898902C<"), '3');
  EXPECT_EQ(*mrz_check_digit("<<<<"), '0');
  EXPECT_ERROR(mrz_check_digit("ab"), ErrorCode::kInvalidArgument, "character 1");
}

TEST(MrzTest, TheTd1SpecimenIsEncodedAndReadBack) {
  Td1Fields f;
  f.document_code = "I";
  f.issuing_state = "UTO";
  f.document_number = "D23145890";
  f.birth_date = CivilDate{year{1974}, August, day{12}};
  f.sex = 'F';
  f.expiry_date = CivilDate{year{2012}, April, day{15}};
  f.nationality = "UTO";
  f.primary_identifier = "ERIKSSON";
  f.secondary_identifier = "ANNA<MARIA";
  auto lines = encode_td1(f);
  ASSERT_OK(lines);
  EXPECT_EQ(*lines, kSpecimen);
  auto back = decode_td1(kSpecimen);
  ASSERT_OK(back);
  EXPECT_EQ(back->document_number, "D23145890");
  EXPECT_EQ(back->birth_date, f.birth_date);
  EXPECT_EQ(back->expiry_date, f.expiry_date);
  EXPECT_EQ(back->primary_identifier, "ERIKSSON");
  EXPECT_EQ(back->secondary_identifier, "ANNA<MARIA");
  EXPECT_EQ(*bac_mrz_information(kSpecimen), "D23145890774081221204159");
}

TEST(MrzTest, ALongDocumentNumberContinuesInTheOptionalData) {
  Td1Fields f;
  f.issuing_state = "IDN";
  f.document_number = "332700000123";  // a blanko number of twelve digits
  f.optional_1 = "3327";
  f.birth_date = CivilDate{year{1990}, July, day{1}};
  f.sex = 'F';
  f.expiry_date = CivilDate{year{2036}, December, day{3}};
  f.nationality = "IDN";
  f.optional_2 = "84107900003";
  f.primary_identifier = "KARTINI";
  auto lines = encode_td1(f);
  ASSERT_OK(lines);
  EXPECT_EQ((*lines)[0].substr(0, 15), "I<IDN332700000<");
  EXPECT_EQ((*lines)[0].substr(15, 5), fmt::format("123{}<", *mrz_check_digit("332700000123")));
  auto back = decode_td1(*lines);
  ASSERT_OK(back);
  EXPECT_EQ(back->document_number, "332700000123");
  EXPECT_EQ(back->optional_1, "3327");
  EXPECT_EQ(back->optional_2, "84107900003");
  EXPECT_EQ(*bac_mrz_information(*lines),
            fmt::format("332700000123{}900701{}361203{}", *mrz_check_digit("332700000123"), *mrz_check_digit("900701"),
                        *mrz_check_digit("361203")));
}

TEST(MrzTest, BadLinesAreRefusedNamingWhere) {
  auto wrong = kSpecimen;
  wrong[1][6] = '3';
  EXPECT_ERROR(decode_td1(wrong), ErrorCode::kInvalidArgument, "line 2, position 7");
  wrong = kSpecimen;
  wrong[0][14] = '8';
  EXPECT_ERROR(decode_td1(wrong), ErrorCode::kInvalidArgument, "line 1, position 15");
  wrong = kSpecimen;
  wrong[1][29] = '5';
  EXPECT_ERROR(decode_td1(wrong), ErrorCode::kInvalidArgument, "composite");
  wrong = kSpecimen;
  wrong[2] = "ERIKSSON<<anna";
  EXPECT_ERROR(decode_td1(wrong), ErrorCode::kInvalidArgument, "line 3");
  wrong = kSpecimen;
  wrong[1].replace(0, 6, "741332");
  EXPECT_ERROR(decode_td1(wrong), ErrorCode::kInvalidArgument, "");
  Td1Fields f;
  f.issuing_state = "IDN";
  f.nationality = "IDN";
  f.document_number = "12345";
  f.birth_date = CivilDate{year{1990}, July, day{1}};
  f.expiry_date = CivilDate{year{2036}, July, day{1}};
  f.primary_identifier = "SITI AMINAH";  // a space: the caller transliterates
  EXPECT_ERROR(encode_td1(f), ErrorCode::kInvalidArgument, "primary_identifier");
  f.primary_identifier = "SITI";
  f.document_number = std::string(23, '1');
  EXPECT_ERROR(encode_td1(f), ErrorCode::kInvalidArgument, "document_number");
}

// ICAO 9303 Part 11, Appendix D.2: computing the keys from the MRZ information.
TEST(BacKeysTest, TheWorkedExampleOfPart11) {
  auto keys = derive_bac_keys("L898902C<369080619406236");
  ASSERT_OK(keys);
  EXPECT_EQ(hex(keys->seed), "239AB9CB282DAF66231DC5A4DF6BFBAE");
  EXPECT_EQ(hex(keys->enc), "AB94FDECF2674FDFB9B391F85D7F76F2");
  EXPECT_EQ(hex(keys->mac), "7962D9ECE03D1ACD4C76089DCE131543");
  EXPECT_ERROR(derive_bac_keys("L898902C<3"), ErrorCode::kInvalidArgument, "24 to 64");
  EXPECT_ERROR(derive_bac_keys("l898902c<369080619406236"), ErrorCode::kInvalidArgument, "A-Z");
}

}  // namespace
}  // namespace ektp::card
