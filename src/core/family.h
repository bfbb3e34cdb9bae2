// A family card (Kartu Keluarga): its number, address and members with their relation to the head.
// Members' own data lives in Person; the card lists who belongs.
#pragma once

#include <string>
#include <vector>

#include "core/civil_date.h"
#include "core/person.h"

namespace ektp {

struct Family {
  std::string kk_number;
  std::string head_nik;
  Address address;
  CivilDate issued_on;  // reissued (new date) whenever membership changes
  bool active = true;   // false once every member moved out or the card was replaced
  std::int64_t version = 1;
};

}  // namespace ektp
