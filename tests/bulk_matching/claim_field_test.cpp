#include "bulk_matching/claim_field.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace ektp::bulk {
namespace {

using namespace std::chrono;
constexpr CivilDate kToday{year{2026}, November, day{23}};

TEST(ClaimField, NormalizeSpaces) {
  std::string out;
  normalize_spaces("  SITI \t\r\n  AMINAH  ", out);
  EXPECT_EQ(out, "SITI AMINAH");
  normalize_spaces("", out);
  EXPECT_EQ(out, "");
  EXPECT_TRUE(is_blank(" \t\r\n"));
  EXPECT_FALSE(is_blank(" x "));
}

TEST(ClaimField, ShownValueIsBoundedAndSafe) {
  EXPECT_EQ(shown_value("31-02-1990"), "'31-02-1990'");
  EXPECT_EQ(shown_value(std::string("A\0B\x01\xC9", 5)), "'A?B?" "?'");
  const std::string shown = shown_value(std::string(39, 'A') + "\xC3\x89\xC3\x89" + "TAIL");
  EXPECT_EQ(shown, "'" + std::string(39, 'A') + "\xC3\x89…'");  // cut on a character boundary
}

TEST(ClaimField, Dates) {
  EXPECT_EQ(parse_claim_date(" 1990-8-5 ", kToday).value(),
            (CivilDate{year{1990}, August, day{5}}));
  EXPECT_EQ(parse_claim_date("05.08.1990", kToday).value(),
            (CivilDate{year{1990}, August, day{5}}));
  EXPECT_EQ(parse_claim_date("29-02-2000", kToday).value(),
            (CivilDate{year{2000}, February, day{29}}));
  EXPECT_ERROR(parse_claim_date("29-02-1900", kToday), ErrorCode::kInvalidArgument, "no day 29");
  EXPECT_ERROR(parse_claim_date("1990-08/05", kToday), ErrorCode::kInvalidArgument, "not a date");
  EXPECT_ERROR(parse_claim_date("1990--05", kToday), ErrorCode::kInvalidArgument, "not a date");
  EXPECT_ERROR(parse_claim_date("1-2-3-4", kToday), ErrorCode::kInvalidArgument, "not a date");
  EXPECT_ERROR(parse_claim_date("01-01-1849", kToday), ErrorCode::kInvalidArgument, "before 1850");
  EXPECT_ERROR(parse_claim_date("24-11-2026", kToday), ErrorCode::kInvalidArgument, "future");
  EXPECT_ERROR(parse_claim_date("123-45-6789", kToday), ErrorCode::kInvalidArgument,
               "four-digit year");
}

TEST(ClaimField, NamesAcceptTitlesAndRejectDigits) {
  EXPECT_EQ(parse_claim_name(" H.  MUHAMMAD RIDWAN, S.Pd. ").value(), "H. MUHAMMAD RIDWAN, S.Pd.");
  EXPECT_EQ(parse_claim_name("Dr. Ir. NI KETUT SARI-DEWI, M.Kes.").value(),
            "Dr. Ir. NI KETUT SARI-DEWI, M.Kes.");
  EXPECT_EQ(parse_claim_name("JUM\xE2\x80\x99" "AT O'NEIL").value(), "JUM\xE2\x80\x99" "AT O'NEIL");
  EXPECT_ERROR(parse_claim_name("BUDI 2"), ErrorCode::kInvalidArgument,
               "character '2' at byte 6 is not allowed in a name");
  EXPECT_ERROR(parse_claim_name(std::string(130, 'A')), ErrorCode::kInvalidArgument,
               "longer than the limit of 120");
}

TEST(ClaimField, TextAndVillageAndRowId) {
  EXPECT_EQ(parse_claim_text("JL. MERDEKA\nNO. 5", 200).value(), "JL. MERDEKA NO. 5");
  EXPECT_ERROR(parse_claim_text("A\x7F"
                                "B",
                                200),
               ErrorCode::kInvalidArgument, "control character");
  EXPECT_ERROR(parse_claim_text("\xE2\x80\xAE" "EVIL", 200), ErrorCode::kInvalidArgument,
               "text-direction");
  const auto& regions = RegionDirectory::builtin();
  EXPECT_EQ(parse_claim_village_code(" 3327012001 ", regions).value(), "3327012001");
  EXPECT_ERROR(parse_claim_village_code("332701", regions), ErrorCode::kInvalidArgument,
               "10 digits");
  EXPECT_ERROR(parse_claim_village_code("3327012999", regions), ErrorCode::kInvalidArgument,
               "not a village");
  EXPECT_EQ(parse_claim_row_id("  K-17 ", 64).value(), "K-17");
  EXPECT_ERROR(parse_claim_row_id("   ", 64), ErrorCode::kInvalidArgument, "blank");
}

TEST(ClaimField, NikFromSpreadsheets) {
  const auto& regions = RegionDirectory::builtin();
  EXPECT_EQ(parse_claim_nik(" '3327015508900001 ", regions, kToday).value(), "3327015508900001");
  EXPECT_ERROR(parse_claim_nik("3,32702E+15", regions, kToday), ErrorCode::kInvalidArgument,
               "spreadsheet number");
  EXPECT_ERROR(parse_claim_nik("3327013202900001", regions, kToday), ErrorCode::kInvalidArgument,
               "NIK");
}

TEST(ClaimField, SexWords) {
  EXPECT_EQ(parse_claim_sex(" lk ").value(), Sex::kMale);
  EXPECT_EQ(parse_claim_sex("Laki Laki").value(), Sex::kMale);
  EXPECT_EQ(parse_claim_sex("wanita").value(), Sex::kFemale);
  EXPECT_EQ(parse_claim_sex("Pr").value(), Sex::kFemale);
  EXPECT_ERROR(parse_claim_sex("LP"), ErrorCode::kInvalidArgument, "'LP' is not a sex");
  EXPECT_ERROR(parse_claim_sex(std::string(40, 'L')), ErrorCode::kInvalidArgument, "not a sex");
}

}  // namespace
}  // namespace ektp::bulk
