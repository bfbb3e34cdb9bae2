// Move-in (pindah datang) recorded at a station's desk, online or not, through the outbox. The
// family comes from another district, so its persons are not in the station's working copy: the
// station cannot apply the move itself. It takes the new family card's number from its KK lease
// (serial_leases.h) and appends the request, the number and the operator to the outbox in one
// transaction, so the operator can tell the family its KK number at once. At central the handler
// checks that the serial was leased to this station and applies the move with that number inside
// the item's transaction, once per item key; the moved persons then come down to the station with
// the next pull (their district is now the station's).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/region.h"
#include "registry/civil_registry.h"
#include "store/database.h"
#include "sync/sync_ingest.h"

namespace ektp::sync {

inline constexpr std::string_view kMoveInKind = "move_in";

struct StationMoveIn {
  std::string kk_number;
  std::int64_t outbox_seq = 0;
  bool replayed = false;  // the desk's idempotency key was seen before: the first answer again
};

// Station: checks the request (NIKs, date, destination in `district_code`, the station's own),
// takes the KK serial from a valid lease for prefix "KK" + district + today (the station's clock)
// and appends the item, in one transaction. ctx carries the operator, the clock and the desk's
// idempotency key; the same key with the same request answers the same KK number (kAlreadyExists
// with another request). kFailedPrecondition when no KK lease is valid (naming when it expired),
// kResourceExhausted when it is used up. Nothing is stored on error.
Result<StationMoveIn> save_move_in_with_outbox(store::Database& db, std::string_view station_id,
                                               std::string_view district_code, const RegionDirectory& regions,
                                               const registry::WriteContext& ctx, const registry::MoveRequest& request);

// The item key of a station's move-in: "<station>/move_in/<desk key>".
std::string move_in_item_key(std::string_view station_id, std::string_view desk_key);

// The item's payload: the request as the desk sent it, the KK number, who recorded it and when.
std::string move_in_to_payload(const registry::MoveRequest& request, std::string_view kk_number,
                               const registry::WriteContext& ctx);
struct MoveInItem {
  registry::MoveRequest request;  // assigned_kk_number set
  std::string operator_name;
  Role role = Role::kOperator;
  std::string desk_key;
  std::int64_t recorded_at_ms = 0;
};
// kInvalidArgument naming the field.
Result<MoveInItem> move_in_from_payload(std::string_view payload);

// Central: applies "move_in" items. kPermissionDenied (a rejected receipt) for a KK serial that
// was not leased to the sending station or an item that is not the station's own; the registry's
// errors (unknown NIK, deceased person, address outside the district) are rejected receipts too.
// `after_event` (not owned; none when null) is called with each move applied, in the ingest's
// transaction.
ItemHandler make_move_in_handler(const RegionDirectory& regions, const registry::EventHook* after_event = nullptr);

}  // namespace ektp::sync
