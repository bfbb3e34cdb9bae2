#include "sync/civil_event_items.h"

#include <chrono>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "registry/event_json.h"
#include "sync/desk_item.h"
#include "sync/outbox.h"
#include "sync/station_bounds.h"

namespace ektp::sync {

namespace {

constexpr std::size_t kEventPayloadBytesMax = 16 * 1024;

// What differs between the three kinds: how the request reads and writes itself, whose NIK the
// item is filed under (the deceased; the husband of a couple), and how it is applied.
template <class Request>
struct EventKind {
  std::string_view kind;
  Result<Request> (*parse)(const boost::json::object&);
  boost::json::object (*to_json)(const Request&);
  std::string (*subject)(const Request&);
  std::vector<std::string> (*touched)(const Request&);  // every NIK it changes: all in the station's district
};

const EventKind<registry::DeathRequest> kDeath{kDeathKind, registry::parse_death_request,
                                               registry::death_request_json,
                                               [](const registry::DeathRequest& r) { return r.nik; },
                                               [](const registry::DeathRequest& r) { return std::vector{r.nik}; }};
const EventKind<registry::DivorceRequest> kDivorce{kDivorceKind, registry::parse_divorce_request,
                                                   registry::divorce_request_json,
                                                   [](const registry::DivorceRequest& r) { return r.husband_nik; },
                                                   [](const registry::DivorceRequest& r) {
                                                     return std::vector{r.husband_nik, r.wife_nik};
                                                   }};
const EventKind<registry::MarriageRequest> kMarriage{
    kMarriageKind, registry::parse_marriage_request, registry::marriage_request_json,
    [](const registry::MarriageRequest& r) { return r.husband_nik; },
    [](const registry::MarriageRequest& r) { return std::vector{r.husband_nik, r.wife_nik}; }};

template <class Request, class Apply>
Result<StationEvent> save_with_outbox(store::Database& db, std::string_view station_id,
                                      const registry::WriteContext& ctx, const EventKind<Request>& kind,
                                      const Request& request, Apply&& apply) {
  const std::string subject = kind.subject(request);
  return store::with_write_transaction<StationEvent>(db, [&](store::Connection& c) -> Result<StationEvent> {
    auto event = apply(c, ctx, request);
    if (!event) return std::unexpected(event.error());
    StationEvent out{std::move(*event), 0};
    if (out.event.replayed) return out;
    auto seq = append_outbox(c,
                             {std::string(kind.kind), civil_event_item_key(station_id, kind.kind, ctx.idempotency_key),
                              subject, desk_item_payload(kind.to_json(request), "nik", subject, ctx)},
                             ctx.now_ms());
    if (!seq) return std::unexpected(seq.error());
    out.outbox_seq = *seq;
    return out;
  });
}

template <class Request, class Apply>
ItemHandler make_handler(const EventKind<Request>& kind, Apply apply, const registry::EventHook* after_event) {
  return [&kind, apply, after_event](store::Connection& c, const StationRecord& station, const OutboxItem& item,
                        std::int64_t now_ms) -> Result<ItemResult> {
    auto desk = parse_desk_item(item.payload, kind.kind, "nik", kEventPayloadBytesMax);
    if (!desk) return std::unexpected(desk.error());
    auto request = kind.parse(desk->request);
    if (!request) return invalid_argument(fmt::format("request.{}", request.error().message));
    const std::string subject = kind.subject(*request);
    if (desk->assigned_number != subject || item.nik != subject ||
        item.item_key != civil_event_item_key(station.station_id, kind.kind, desk->desk_key)) {
      return make_error(ErrorCode::kPermissionDenied,
                        fmt::format("{} item {} is not station {}'s record of NIK {} as sent", kind.kind,
                                    item.item_key, station.station_id, subject));
    }
    if (auto s = check_station_operator(station, desk->operator_name); !s) return std::unexpected(s.error());
    for (const auto& nik : kind.touched(*request)) {
      if (auto s = check_in_station_district(c, station, nik); !s) return std::unexpected(s.error());
    }
    registry::WriteContext ctx{{fmt::format("{}@{}", desk->operator_name, station.station_id), desk->role},
                               std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms)),
                               item.item_key,
                               item.item_sha256,
                               after_event};
    auto event = apply(c, ctx, *request);
    if (!event) return std::unexpected(event.error());
    return ItemResult{"applied", fmt::format("{} of NIK {} recorded (event {})", kind.kind, subject, event->event_id)};
  };
}

}  // namespace

std::string civil_event_item_key(std::string_view station_id, std::string_view kind, std::string_view desk_key) {
  return fmt::format("{}/{}/{}", station_id, kind, desk_key);
}

Result<StationEvent> save_death_with_outbox(store::Database& db, std::string_view station_id,
                                            const registry::WriteContext& ctx, const registry::DeathRequest& request) {
  return save_with_outbox(db, station_id, ctx, kDeath, request, registry::apply_death);
}

Result<StationEvent> save_divorce_with_outbox(store::Database& db, std::string_view station_id,
                                              const registry::WriteContext& ctx,
                                              const registry::DivorceRequest& request) {
  return save_with_outbox(db, station_id, ctx, kDivorce, request, registry::apply_divorce);
}

Result<StationEvent> save_marriage_with_outbox(store::Database& db, std::string_view station_id,
                                               const RegionDirectory& regions, const registry::WriteContext& ctx,
                                               const registry::MarriageRequest& request) {
  if (request.new_family) {
    return failed_precondition(
        "new_family: a station cannot issue the new family card of a marriage (its number is issued centrally); "
        "record the marriage without new_family, or at the Dinas");
  }
  return save_with_outbox(db, station_id, ctx, kMarriage, request,
                          [&regions](store::Connection& c, const registry::WriteContext& x,
                                     const registry::MarriageRequest& r) {
                            return registry::apply_marriage(c, x, regions, r);
                          });
}

ItemHandler make_death_handler(const registry::EventHook* after_event) {
  return make_handler(kDeath, registry::apply_death, after_event);
}

ItemHandler make_divorce_handler(const registry::EventHook* after_event) {
  return make_handler(kDivorce, registry::apply_divorce, after_event);
}

ItemHandler make_marriage_handler(const RegionDirectory& regions, const registry::EventHook* after_event) {
  return make_handler(
      kMarriage,
      [&regions](store::Connection& c, const registry::WriteContext& x, const registry::MarriageRequest& r) {
        return registry::apply_marriage(c, x, regions, r);
      },
      after_event);
}

}  // namespace ektp::sync
