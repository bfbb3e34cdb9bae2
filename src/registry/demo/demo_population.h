// The demo population: a synthetic but realistic register for one regency — households spread
// over every village, an Indonesian age pyramid and household sizes, consistent family
// relations, valid NIK and KK numbers — streamed in batches of whole households so that a
// million people never sit in memory at once. Deterministic for a seed. Pure (no I/O): the
// caller's sink stores or inspects each batch. Thread-safety: no shared state; one call per
// thread.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "core/civil_date.h"
#include "core/error.h"
#include "core/family.h"
#include "core/person.h"
#include "core/region.h"

namespace ektp::registry::demo {

// A batch closes at the first household that brings it to this many persons or more.
inline constexpr std::size_t demo_batch_persons = 5'000;
// Families are issued their current KK within this many years before `today`.
inline constexpr int demo_kk_age_years_max = 15;

struct DemoOptions {
  std::string regency_code = "3327";  // 4 digits, Kemendagri
  std::size_t persons = 50'000;       // exactly this many, 1..limits::demo_persons_max
  std::uint64_t seed = 1;
  CivilDate today;                    // must be set: the Jakarta date the register is "as of"
  double enrolled_share = 0.9;        // of wajib-KTP residents who have recorded biometrics
};

using DemoSink = std::function<Status(std::span<const Family>, std::span<const Person>)>;

// Generates options.persons people and their families and hands them to `sink` in batches of
// complete households (a family's members always arrive with the family).
// Errors: kNotFound for a regency not in `regions` or one without villages; kInvalidArgument
// for persons 0 or above the limit, an unset or implausible `today`, an enrolled_share outside
// 0..1; kResourceExhausted if a NIK or KK prefix ran out of serials; any error the sink returns
// stops generation and is returned as is.
Status generate_demo_population(const DemoOptions& options, const RegionDirectory& regions,
                                const DemoSink& sink);

}  // namespace ektp::registry::demo
