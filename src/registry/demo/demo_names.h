// Word lists for the demo population, written for ektp (no external name data): given names by
// naming tradition and sex, second and family names, occupations, dusun and street names, and
// cities people come from. Names are upper case, as on the e-KTP. Pure data plus the small
// functions that compose a full name. Thread-safety: immutable.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/nik.h"
#include "registry/demo/demo_random.h"

namespace ektp::registry::demo {

// The naming tradition of a household; it follows from the household's religion.
enum class NameCulture {
  kJavanese, kSundanese, kMuslim, kChristian, kBalinese, kChinese, kForeign
};
inline constexpr std::size_t name_culture_count = 7;

struct NameLists {
  std::span<const std::string_view> given_male;
  std::span<const std::string_view> given_female;
  std::span<const std::string_view> second_male;    // a second word of a man's own name
  std::span<const std::string_view> second_female;
  std::span<const std::string_view> family;         // shared by a household; empty if not a custom
  std::span<const std::string_view> origin_cities;  // where adults of this tradition were born
  double second_name_share = 0;                     // people with a second word
};

const NameLists& name_lists(NameCulture culture);

// A household's family name ("SIMANJUNTAK", "WIJAYA"); empty where the tradition has none.
std::string_view pick_family_name(DemoRandom& random, NameCulture culture);

// A full name in the tradition: "SRI WAHYUNI", "MUHAMMAD RIZKI", "I WAYAN SUDARSANA",
// "YOHANES SIMANJUNTAK". `family_name` (may be empty) is appended where the tradition uses one.
// `birth_order` (0-based) chooses the Balinese birth-order name.
std::string make_person_name(DemoRandom& random, NameCulture culture, Sex sex,
                             std::string_view family_name, std::size_t birth_order);

// Occupations as the register writes them.
namespace occupation {
inline constexpr std::string_view kNotWorking = "BELUM/TIDAK BEKERJA";
inline constexpr std::string_view kStudent = "PELAJAR/MAHASISWA";
inline constexpr std::string_view kHousewife = "MENGURUS RUMAH TANGGA";
inline constexpr std::string_view kRetired = "PENSIUNAN";
}  // namespace occupation

struct WeightedWord {
  std::string_view word;
  double weight;
};
std::span<const WeightedWord> adult_occupations(Sex sex);
std::span<const WeightedWord> elder_occupations(Sex sex);

std::span<const std::string_view> dusun_names();   // "KRAJAN", "SIDOMULYO"
std::span<const std::string_view> street_names();  // "MERDEKA", "DIPONEGORO"
std::span<const std::string_view> big_cities();    // "JAKARTA", "SURABAYA"

}  // namespace ektp::registry::demo
