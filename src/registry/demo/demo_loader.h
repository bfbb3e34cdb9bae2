// Loads the demo population into the register: persons and families in one write transaction
// per generated batch, and the serial counters (table `serials`) raised to the highest serial
// used per prefix in the same transaction, so that births registered later get the next free
// NIK and KK numbers (keys as registry/serial_allocator.h uses them: the bare 12-digit NIK
// prefix; "KK" + the 12-digit KK prefix). Thread-safety: one call per database at a time.
#pragma once

#include <cstdint>
#include <functional>

#include "registry/demo/demo_population.h"
#include "store/database.h"

namespace ektp::registry::demo {

// Called after each committed batch with the persons stored so far and the total asked for.
using DemoProgress = std::function<void(std::size_t persons_done, std::size_t persons_total)>;

struct DemoLoadOptions {
  // Load even if the register already has persons (such as a second regency). A NIK or KK
  // number that is already taken then fails the batch with kAlreadyExists.
  bool allow_existing_persons = false;
  // updated_at_ms of every row; 0 takes the system clock once, at the start.
  std::int64_t updated_at_ms = 0;
};

// Returns how many persons were stored (options.persons on success).
// Errors: kFailedPrecondition when the register already has persons and that is not allowed;
// the generator's errors (generate_demo_population); the store's errors, after which the batches
// committed before stay stored and the rest are not.
Result<std::size_t> load_demo_population(store::Database& db, const DemoOptions& options,
                                         const DemoProgress& progress = {},
                                         const DemoLoadOptions& load_options = {});

// The serials-table key of a NIK's and of a KK number's prefix (their first 12 digits).
std::string nik_serial_key(std::string_view nik);
std::string kk_serial_key(std::string_view kk_number);

}  // namespace ektp::registry::demo
