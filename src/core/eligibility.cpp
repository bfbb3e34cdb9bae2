#include "core/eligibility.h"

#include <fmt/format.h>

namespace ektp {

CivilDate wajib_ktp_date(CivilDate birth_date) {
  CivilDate birthday{birth_date.year() + std::chrono::years{wajib_ktp_age_years},
                     birth_date.month(), birth_date.day()};
  if (!birthday.ok()) {  // born 29 February: the birthday falls on 1 March
    birthday = CivilDate{birthday.year(), std::chrono::March, std::chrono::day{1}};
  }
  return birthday;
}

Eligibility wajib_ktp(const Person& person, CivilDate on, bool has_permanent_permit) {
  if (!person.alive) return {false, "sudah meninggal"};
  if (person.citizenship == Citizenship::kWNA && !has_permanent_permit) {
    return {false, "WNA tanpa izin tinggal tetap (ITAP)"};
  }
  if (person.marital_status != MaritalStatus::kBelumKawin) {
    return {true, fmt::format("berstatus {}", marital_status_label(person.marital_status))};
  }
  int age = age_in_years(person.birth_date, on);
  if (age >= wajib_ktp_age_years) return {true, fmt::format("berumur {} tahun", age)};
  return {false, fmt::format("belum berumur {} tahun ({} tahun) dan belum pernah kawin",
                             wajib_ktp_age_years, age)};
}

}  // namespace ektp
