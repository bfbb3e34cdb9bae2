// Watching agency keys for harvesting (SPEC §9): a key that walks the register rather than
// checking the people it serves. Every looked-up NIK is kept with whether it was found; after each
// call the key's recent lookups are looked at for
//   - a sweep: kSweepRun NIKs among the last kSweepWindow that share their first 12 digits and
//     whose serials run on one after another (…0001, …0002, …0003 …);
//   - guessing: of at least kUnknownMinLookups in the last kUnknownWindow, more than
//     kUnknownShareMax not in the register.
// A signal suspends the key (agency_keys.h; an admin resumes it) and raises an alert in the
// audit log (`alert.agency_harvest`). Bursts outside the agency's usual hours are watched by
// call_burst_watch.h; both run for every call in agency_call_ledger.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/database.h"

namespace ektp::agency {

inline constexpr std::size_t kSweepWindow = 30;
inline constexpr std::size_t kSweepRun = 10;
inline constexpr std::size_t kUnknownWindow = 50;
inline constexpr std::size_t kUnknownMinLookups = 20;
inline constexpr double kUnknownShareMax = 0.3;

// Keeps one lookup (inside the call's transaction).
Status record_lookup(store::Connection& db, std::string_view key_id, std::string_view nik, bool found,
                     std::int64_t at_ms);

// Why the key's recent lookups look like harvesting, or nullopt.
Result<std::optional<std::string>> harvest_signal(store::Connection& db, std::string_view key_id);

}  // namespace ektp::agency
