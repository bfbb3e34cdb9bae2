#include "core/eligibility.h"

#include "support/test_support.h"

namespace ektp {
namespace {

using namespace std::chrono;
constexpr CivilDate kToday{year{2026}, November, day{23}};

Person person_born(CivilDate birth) {
  Person p;
  p.birth_date = birth;
  return p;
}

TEST(EligibilityTest, SeventeenthBirthdayInJakartaCalendar) {
  auto p = person_born(CivilDate{year{2009}, November, day{24}});
  EXPECT_FALSE(wajib_ktp(p, kToday).required);
  EXPECT_NE(wajib_ktp(p, kToday).reason.find("16 tahun"), std::string::npos);
  EXPECT_TRUE(wajib_ktp(p, CivilDate{year{2026}, November, day{24}}).required);
  EXPECT_EQ(wajib_ktp_date(p.birth_date), (CivilDate{year{2026}, November, day{24}}));
}

TEST(EligibilityTest, MarriedMinorMustHoldKTP) {
  auto p = person_born(CivilDate{year{2010}, January, day{1}});
  p.marital_status = MaritalStatus::kKawin;
  EXPECT_TRUE(wajib_ktp(p, kToday).required);
  p.marital_status = MaritalStatus::kCeraiHidup;  // ever married counts
  EXPECT_TRUE(wajib_ktp(p, kToday).required);
}

TEST(EligibilityTest, DeadAndForeignersWithoutITAP) {
  auto p = person_born(CivilDate{year{1980}, May, day{5}});
  p.alive = false;
  EXPECT_FALSE(wajib_ktp(p, kToday).required);
  p.alive = true;
  p.citizenship = Citizenship::kWNA;
  EXPECT_FALSE(wajib_ktp(p, kToday).required);
  EXPECT_TRUE(wajib_ktp(p, kToday, /*has_permanent_permit=*/true).required);
}

TEST(EligibilityTest, LeapDayBirth) {
  EXPECT_EQ(wajib_ktp_date(CivilDate{year{2008}, February, day{29}}),
            (CivilDate{year{2025}, March, day{1}}));
}

}  // namespace
}  // namespace ektp
