// Births registered at a station's desk, online or not, through the outbox. At the station the
// child's NIK takes its serial from the station's NIK lease (serial_leases.h), and the birth
// (person, family card, event, audit) and its outbox item are written in one transaction: the
// operator can tell the family the NIK at once, and it reaches central as it is. At central the
// handler checks that the serial was leased to this station and registers the same birth with the
// same NIK inside the item's transaction, once per item key. The working copy later takes
// central's rows for the same NIK (newer or equal version).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "registry/civil_registry.h"
#include "store/database.h"
#include "sync/sync_ingest.h"

namespace ektp::sync {

inline constexpr std::string_view kBirthKind = "birth";

struct StationBirth {
  registry::EventOutcome event;  // at the station; replayed for a repeated idempotency key
  std::string nik;
  std::string kk_number;
  std::int64_t outbox_seq = 0;  // 0 when replayed (the first request appended it)
};

// Station: registers the birth in the working copy with a NIK from the lease, and appends the
// item for central, in one transaction. ctx carries the operator, the station's clock (lease
// expiry is counted on it) and the desk's idempotency key. Errors from serial_leases.h when no
// lease is valid (kFailedPrecondition, naming when it expired) or it is used up
// (kResourceExhausted); the registry's for the birth itself. Nothing is stored on error.
Result<StationBirth> save_birth_with_outbox(store::Database& db, std::string_view station_id,
                                            const registry::WriteContext& ctx, const registry::BirthRequest& request);

// The item key of a station's birth: "<station>/birth/<nik>" (a NIK is issued once).
std::string birth_item_key(std::string_view station_id, std::string_view nik);

// The item's payload: the request as the desk sent it, the NIK, who recorded it and when.
std::string birth_to_payload(const registry::BirthRequest& request, std::string_view nik,
                             const registry::WriteContext& ctx);
struct BirthItem {
  registry::BirthRequest request;  // assigned_nik set
  std::string operator_name;
  Role role = Role::kOperator;
  std::string desk_key;  // the desk's idempotency key
  std::int64_t recorded_at_ms = 0;
};
// kInvalidArgument naming the field.
Result<BirthItem> birth_from_payload(std::string_view payload);

// Central: applies "birth" items. kPermissionDenied (a rejected receipt) for a serial that was
// not leased to the sending station or an item that is not the station's own. `after_event`
// (not owned; none when null) is called with each birth applied, in the ingest's transaction.
ItemHandler make_birth_handler(const registry::EventHook* after_event = nullptr);

}  // namespace ektp::sync
