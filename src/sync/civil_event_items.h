// Deaths, marriages and divorces recorded at a station's desk, online or not, through the
// outbox. At the station the event changes the working copy (the person is recorded as deceased,
// the couple as married or divorced) and its outbox item is written in the same transaction; at
// central the handler applies the same request with the registry's own checks, once per item key,
// and a request central refuses (the person died already, a spouse is under age) comes back as a
// rejected receipt naming why. The working copy later takes central's rows (newer or equal version).
//
// A marriage that opens a new family card is refused at a station: the card's number would come
// from the station's own counter and differ from central's. Such a marriage is recorded at the
// Dinas, or the couple moves with a move-in (move_in_items.h), whose KK number is leased.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/region.h"
#include "registry/civil_registry.h"
#include "store/database.h"
#include "sync/sync_ingest.h"

namespace ektp::sync {

inline constexpr std::string_view kDeathKind = "death";
inline constexpr std::string_view kMarriageKind = "marriage";
inline constexpr std::string_view kDivorceKind = "divorce";

struct StationEvent {
  registry::EventOutcome event;  // at the station; replayed for a repeated idempotency key
  std::int64_t outbox_seq = 0;   // 0 when replayed (the first request appended it)
};

// Station: records the event in the working copy and appends its item for central, in one
// transaction; ctx carries the operator, the station's clock and the desk's idempotency key.
// The registry's errors for the event itself; nothing is stored on error.
Result<StationEvent> save_death_with_outbox(store::Database& db, std::string_view station_id,
                                            const registry::WriteContext& ctx, const registry::DeathRequest& request);
Result<StationEvent> save_divorce_with_outbox(store::Database& db, std::string_view station_id,
                                              const registry::WriteContext& ctx,
                                              const registry::DivorceRequest& request);
// kFailedPrecondition for a marriage with new_family (see above).
Result<StationEvent> save_marriage_with_outbox(store::Database& db, std::string_view station_id,
                                               const RegionDirectory& regions, const registry::WriteContext& ctx,
                                               const registry::MarriageRequest& request);

// "<station>/<kind>/<desk idempotency key>".
std::string civil_event_item_key(std::string_view station_id, std::string_view kind, std::string_view desk_key);

// Central: applies the items of each kind. kPermissionDenied (a rejected receipt) for an item
// whose key, NIK or payload is not the sending station's own. `after_event` (not owned; none when
// null) is called with each event applied, in the ingest's transaction.
ItemHandler make_death_handler(const registry::EventHook* after_event = nullptr);
ItemHandler make_divorce_handler(const registry::EventHook* after_event = nullptr);
ItemHandler make_marriage_handler(const RegionDirectory& regions, const registry::EventHook* after_event = nullptr);

}  // namespace ektp::sync
