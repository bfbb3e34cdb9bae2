// The register as a bulk-matching job sees it: every person — alive or not — whose village lies
// in the agreement's regions, read from the database page by page (keyset pages of
// kRegisterPagePersons by NIK, in one read snapshot) into a RegisterIndex. Persons outside the
// agreement's regions are not loaded, so a job never matches beyond what its agreement covers.
// Thread-safety: one call per thread; the Database is shared.
#pragma once

#include <cstddef>
#include <functional>

#include "agency/agency_registry.h"
#include "bulk_matching/register_index.h"
#include "core/error.h"
#include "store/database.h"

namespace ektp::bulk {

inline constexpr std::size_t kRegisterPagePersons = 20'000;

// Told the persons read so far after every page.
using RegisterLoadProgress = std::function<void(std::size_t persons_read)>;

Result<RegisterIndex> load_register_index(store::Database& db, const agency::Agreement& agreement,
                                          const RegisterLoadProgress& progress = {});

}  // namespace ektp::bulk
