// Per-person attributes of the demo population that depend on age and sex only: education,
// occupation, blood type. Pure. Thread-safety: plain functions.
#pragma once

#include <string_view>

#include "core/person.h"
#include "registry/demo/demo_random.h"

namespace ektp::registry::demo {

// Highest schooling completed at this age (a 10-year-old has not finished SD).
Education pick_education(DemoRandom& random, int age_years);

// Occupation as the register writes it; may raise `education` where the job needs a degree
// (a GURU has at least S1).
std::string_view pick_occupation(DemoRandom& random, int age_years, Sex sex, Education& education);

// Roughly the Indonesian mix; about one in seven does not know theirs ("-").
BloodType pick_blood_type(DemoRandom& random);

}  // namespace ektp::registry::demo
