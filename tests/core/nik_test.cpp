#include "core/nik.h"

#include "support/test_support.h"

namespace ektp {
namespace {

using namespace std::chrono;
constexpr CivilDate kToday{year{2026}, November, day{23}};

class NIKTest : public ::testing::Test {
 protected:
  const RegionDirectory& regions = RegionDirectory::builtin();
};

TEST_F(NIKTest, ParsesWomanFromPemalang) {
  auto parts = parse_nik("3327015508900001", regions, kToday);
  ASSERT_OK(parts);
  EXPECT_EQ(parts->district_code, "332701");
  EXPECT_EQ(parts->sex, Sex::kFemale);
  EXPECT_EQ(parts->birth_day, 15u);
  EXPECT_EQ(parts->birth_month, 8u);
  EXPECT_EQ(parts->birth_year_two_digits, 90u);
  EXPECT_EQ(parts->birth_date, (CivilDate{year{1990}, August, day{15}}));
  EXPECT_EQ(parts->serial, 1);
  EXPECT_EQ(regions.find("3327")->name, "Kabupaten Pemalang");
}

TEST_F(NIKTest, ParsesManAndResolvesCentury) {
  auto parts = parse_nik("3327011502100123", regions, kToday);
  ASSERT_OK(parts);
  EXPECT_EQ(parts->sex, Sex::kMale);
  EXPECT_EQ(parts->birth_date, (CivilDate{year{2010}, February, day{15}}));
  EXPECT_EQ(parts->serial, 123);
}

TEST_F(NIKTest, RejectsWrongLength) {
  EXPECT_ERROR(parse_nik("332701550890001", regions, kToday), ErrorCode::kInvalidArgument,
               "16 digits, got 15");
  EXPECT_ERROR(parse_nik("33270155089000011", regions, kToday), ErrorCode::kInvalidArgument,
               "16 digits, got 17");
  EXPECT_ERROR(parse_nik("", regions, kToday), ErrorCode::kInvalidArgument, "got 0");
}

TEST_F(NIKTest, RejectsLettersNamingThePosition) {
  EXPECT_ERROR(parse_nik("33270155089A0001", regions, kToday), ErrorCode::kInvalidArgument,
               "digit 12: 'A' is not a digit");
  EXPECT_ERROR(parse_nik(std::string("3327015508\x01" "00001", 16), regions, kToday),
               ErrorCode::kInvalidArgument, "byte 0x01");
}

TEST_F(NIKTest, RejectsUnknownRegions) {
  EXPECT_ERROR(parse_nik("9927015508900001", regions, kToday), ErrorCode::kInvalidArgument,
               "digits 1–2: province 99");
  EXPECT_ERROR(parse_nik("3399015508900001", regions, kToday), ErrorCode::kInvalidArgument,
               "digits 3–4: regency 99");
  EXPECT_ERROR(parse_nik("3327995508900001", regions, kToday), ErrorCode::kInvalidArgument,
               "digits 5–6: district 99");
}

TEST_F(NIKTest, RejectsImpossibleDays) {
  EXPECT_ERROR(parse_nik("3327013208900001", regions, kToday), ErrorCode::kInvalidArgument,
               "digits 7–8: day 32 is not a day");
  EXPECT_ERROR(parse_nik("3327017208900001", regions, kToday), ErrorCode::kInvalidArgument,
               "digits 7–8: day 72 is not a day");
  EXPECT_ERROR(parse_nik("3327010008900001", regions, kToday), ErrorCode::kInvalidArgument,
               "day 00");
  EXPECT_ERROR(parse_nik("3327013508900001", regions, kToday), ErrorCode::kInvalidArgument,
               "day 35");
}

TEST_F(NIKTest, RejectsImpossibleDates) {
  EXPECT_ERROR(parse_nik("3327013002900001", regions, kToday), ErrorCode::kInvalidArgument,
               "30 Februari 1990 is not a date");
  EXPECT_ERROR(parse_nik("3327017102900001", regions, kToday), ErrorCode::kInvalidArgument,
               "31 Februari 1990 is not a date");
  EXPECT_ERROR(parse_nik("3327011513900001", regions, kToday), ErrorCode::kInvalidArgument,
               "month 13 is not a month");
  // 29 February exists in 1988 and 2000, not in 1990.
  EXPECT_OK(parse_nik("3327012902880001", regions, kToday));
  EXPECT_OK(parse_nik("3327016902000001", regions, kToday));
  EXPECT_ERROR(parse_nik("3327012902900001", regions, kToday), ErrorCode::kInvalidArgument,
               "29 Februari 1990");
}

TEST_F(NIKTest, RejectsFutureBirth) {
  EXPECT_ERROR(parse_nik("3327012412260001", regions, kToday), ErrorCode::kInvalidArgument,
               "in the future");
  EXPECT_OK(parse_nik("3327012311260001", regions, kToday));
}

TEST_F(NIKTest, RejectsSerialZero) {
  EXPECT_ERROR(parse_nik("3327015508900000", regions, kToday), ErrorCode::kInvalidArgument,
               "digits 13–16: serial 0000");
}

TEST_F(NIKTest, FormatRoundTrips) {
  CivilDate birth{year{2001}, March, day{9}};
  auto nik = format_nik("332701", birth, Sex::kFemale, 42);
  EXPECT_EQ(nik, "3327014903010042");
  auto parts = parse_nik(nik, regions, kToday);
  ASSERT_OK(parts);
  EXPECT_EQ(parts->birth_date, birth);
  EXPECT_EQ(parts->sex, Sex::kFemale);
  EXPECT_EQ(nik_prefix("332701", birth, Sex::kMale), "332701090301");
}

TEST_F(NIKTest, KKNumberHasNoSexOffset) {
  auto kk = parse_kk_number("3327010101200003", regions, kToday);
  ASSERT_OK(kk);
  EXPECT_EQ(kk->issue_date, (CivilDate{year{2020}, January, day{1}}));
  EXPECT_EQ(kk->serial, 3);
  EXPECT_ERROR(parse_kk_number("3327014101200003", regions, kToday), ErrorCode::kInvalidArgument,
               "KK number digits 7–12");
  EXPECT_EQ(format_kk_number("332701", CivilDate{year{2020}, January, day{1}}, 3),
            "3327010101200003");
}

}  // namespace
}  // namespace ektp
