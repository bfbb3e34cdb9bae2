// One household of the demo population: who lives together and how they are related, with
// birth dates and parents' names that agree with each other (a child is born 18–45 years after
// its mother; an orang tua is the head's own parent and carries the name the head lists as
// father or mother). Pure. Thread-safety: plain functions.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "core/person.h"
#include "registry/demo/demo_names.h"
#include "registry/demo/demo_random.h"

namespace ektp::registry::demo {

inline constexpr int demo_age_years_max = 95;      // keeps two-digit NIK years unambiguous
inline constexpr int mother_age_at_birth_min = 18;
inline constexpr int mother_age_at_birth_max = 45;
inline constexpr int marriage_age_min = 19;        // UU 16/2019

struct HouseholdContext {
  std::chrono::sys_days today;   // nobody is born on or after this day
  Religion religion = Religion::kIslam;
  NameCulture culture = NameCulture::kJavanese;
  std::string_view family_name;  // shared surname where the tradition has one, else empty
};

// The members of one household, head first, then spouse, children and others, with relation,
// name, sex, birth date, marital status, religion and parents' names set; the caller adds
// address, numbers and the rest. Between 1 and `size_max` members (size_max ≥ 1).
std::vector<Person> build_household(DemoRandom& random, const HouseholdContext& context,
                                    std::size_t size_max);

}  // namespace ektp::registry::demo
