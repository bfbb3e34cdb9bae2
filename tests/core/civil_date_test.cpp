#include "core/civil_date.h"

#include "support/test_support.h"

namespace ektp {
namespace {

using namespace std::chrono;

TEST(CivilDateTest, ParsesAndFormats) {
  auto date = parse_civil_date("1990-08-15");
  ASSERT_OK(date);
  EXPECT_EQ(*date, (CivilDate{year{1990}, August, day{15}}));
  EXPECT_EQ(format_civil_date(*date), "1990-08-15");
}

TEST(CivilDateTest, RejectsBadDates) {
  EXPECT_ERROR(parse_civil_date("2023-02-30"), ErrorCode::kInvalidArgument, "30 Februari 2023");
  EXPECT_ERROR(parse_civil_date("2023-13-01"), ErrorCode::kInvalidArgument, "month 13");
  EXPECT_ERROR(parse_civil_date("15-08-1990"), ErrorCode::kInvalidArgument, "YYYY-MM-DD");
  EXPECT_ERROR(parse_civil_date("1990-8-15"), ErrorCode::kInvalidArgument, "YYYY-MM-DD");
  EXPECT_ERROR(parse_civil_date("1700-01-01"), ErrorCode::kInvalidArgument, "out of range");
  EXPECT_ERROR(parse_civil_date("+990-08-15"), ErrorCode::kInvalidArgument, "YYYY-MM-DD");
}

TEST(CivilDateTest, JakartaIsSevenHoursAhead) {
  // 2026-11-23 17:30 UTC is already 24 November in Jakarta.
  auto moment = sys_days{CivilDate{year{2026}, November, day{23}}} + hours{17} + minutes{30};
  EXPECT_EQ(jakarta_date_of(moment), (CivilDate{year{2026}, November, day{24}}));
  EXPECT_EQ(jakarta_date_of(moment - hours{1}), (CivilDate{year{2026}, November, day{23}}));
}

TEST(CivilDateTest, AgeCountsCompletedYears) {
  CivilDate birth{year{2009}, November, day{24}};
  EXPECT_EQ(age_in_years(birth, CivilDate{year{2026}, November, day{23}}), 16);
  EXPECT_EQ(age_in_years(birth, CivilDate{year{2026}, November, day{24}}), 17);
  CivilDate leap{year{2008}, February, day{29}};
  EXPECT_EQ(age_in_years(leap, CivilDate{year{2025}, February, day{28}}), 16);
  EXPECT_EQ(age_in_years(leap, CivilDate{year{2025}, March, day{1}}), 17);
}

}  // namespace
}  // namespace ektp
