// Enrollments through the outbox. At the station, saving an enrollment writes the record and its
// outbox item in one transaction, so "saved" on the operator's screen means it will reach
// central. At central, the handler checks and stores what arrived, records "terkirim", turns
// changed biodata into a correction request for a supervisor — or into a conflict when the person
// changed centrally since the station's copy — and hands the enrollment on (to dedup).
#pragma once

#include <functional>

#include "registry/enrollment_store.h"
#include "store/database.h"
#include "sync/sync_ingest.h"

namespace ektp::sync {

// Station: validates and saves; returns the outbox seq. kAlreadyExists for a known id.
Result<std::int64_t> save_enrollment_with_outbox(store::Database& db, const registry::Enrollment& enrollment,
                                                 std::int64_t now_ms);

// The item key of an enrollment: "<station>/<enrollment id>".
std::string enrollment_item_key(const registry::Enrollment& enrollment);

// Central: called inside the item's transaction once the enrollment is stored.
using EnrollmentReceived = std::function<Status(store::Connection&, const registry::Enrollment&, std::int64_t now_ms)>;
ItemHandler make_enrollment_handler(EnrollmentReceived on_received);

}  // namespace ektp::sync
