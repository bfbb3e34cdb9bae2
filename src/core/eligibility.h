// Who must hold a KTP (wajib KTP), SPEC §3: WNI aged ≥ 17 or married (or ever married); WNA with
// a permanent residence permit (ITAP) aged ≥ 17 or married. The dead hold none.
#pragma once

#include <string>

#include "core/civil_date.h"
#include "core/person.h"

namespace ektp {

inline constexpr int wajib_ktp_age_years = 17;

struct Eligibility {
  bool required = false;
  std::string reason;  // Bahasa Indonesia, shown to operators: "belum berumur 17 tahun (16 tahun)"
};

// `has_permanent_permit` matters only for WNA (ITAP).
Eligibility wajib_ktp(const Person& person, CivilDate on, bool has_permanent_permit = false);

// The date the person becomes wajib KTP by age alone (17th birthday).
CivilDate wajib_ktp_date(CivilDate birth_date);

}  // namespace ektp
