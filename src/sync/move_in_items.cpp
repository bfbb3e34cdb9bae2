#include "sync/move_in_items.h"

#include "sync/desk_item.h"

#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/limits.h"
#include "core/nik.h"
#include "registry/event_json.h"
#include "registry/event_log.h"
#include "registry/json_fields.h"
#include "sync/outbox.h"
#include "sync/serial_leases.h"
#include "sync/station_bounds.h"

namespace ektp::sync {

namespace {

using boost::json::object;

constexpr std::size_t kMoveInPayloadBytesMax = 64 * 1024;

bool is_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// What the station can check without the persons: who records it, under which key, and the shape
// of the request. Central checks the persons themselves when the item arrives.
Status check_station_move_in(std::string_view district_code, const RegionDirectory& regions,
                             const registry::WriteContext& ctx, const registry::MoveRequest& r) {
  if (!can_record_events(ctx.actor.role)) {
    return make_error(ErrorCode::kPermissionDenied,
                      fmt::format("role {} may not record civil events", role_id(ctx.actor.role)));
  }
  if (auto s = registry::validate_idempotency_key(ctx.idempotency_key); !s) return s;
  if (r.assigned_kk_number) return invalid_argument("assigned_kk_number: a station takes the KK from its own lease");
  if (r.niks.empty() || r.niks.size() > limits::family_members_max) {
    return invalid_argument(fmt::format("niks: give 1 to {} persons", limits::family_members_max));
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < r.niks.size(); ++i) {
    const auto& nik = r.niks[i];
    if (nik.size() != 16 || !is_digits(nik)) {
      return invalid_argument(fmt::format("niks[{}]: '{}' is not 16 digits", i, nik.substr(0, 40)));
    }
    if (!seen.insert(nik).second) return invalid_argument(fmt::format("niks: {} is listed twice", nik));
  }
  if (std::chrono::sys_days{r.date} > std::chrono::sys_days{ctx.today()}) {
    return invalid_argument(fmt::format("date: {} is in the future", format_civil_date(r.date)));
  }
  auto address = registry::validate_address(r.to, regions);
  if (!address) return std::unexpected(address.error());
  if (address->village_code.substr(0, 6) != district_code) {
    return invalid_argument(fmt::format("to.village_code: village {} is not in this station's district {}",
                                        address->village_code, district_code));
  }
  return registry::validate_documents(r.documents);
}

}  // namespace

std::string move_in_item_key(std::string_view station_id, std::string_view desk_key) {
  return fmt::format("{}/move_in/{}", station_id, desk_key);
}

std::string move_in_to_payload(const registry::MoveRequest& request, std::string_view kk_number,
                               const registry::WriteContext& ctx) {
  return desk_item_payload(registry::move_request_json(request), "kk_number", kk_number, ctx);
}

Result<MoveInItem> move_in_from_payload(std::string_view payload) {
  auto item = parse_desk_item(payload, "move_in", "kk_number", kMoveInPayloadBytesMax);
  if (!item) return std::unexpected(item.error());
  auto request = registry::parse_move_request(item->request);
  if (!request) return invalid_argument(fmt::format("request.{}", request.error().message));
  MoveInItem move{std::move(*request), item->operator_name, item->role, item->desk_key, item->recorded_at_ms};
  move.request.assigned_kk_number = item->assigned_number;
  return move;
}

Result<StationMoveIn> save_move_in_with_outbox(store::Database& db, std::string_view station_id,
                                               std::string_view district_code, const RegionDirectory& regions,
                                               const registry::WriteContext& ctx,
                                               const registry::MoveRequest& request) {
  if (auto s = check_station_move_in(district_code, regions, ctx, request); !s) return std::unexpected(s.error());
  const std::int64_t now = ctx.now_ms();
  const std::string key = move_in_item_key(station_id, ctx.idempotency_key);
  const std::string request_text = boost::json::serialize(registry::move_request_json(request));
  return store::with_write_transaction<StationMoveIn>(db, [&](store::Connection& c) -> Result<StationMoveIn> {
    auto earlier = c.execute("SELECT seq, payload FROM outbox WHERE item_key = $1", {key});
    if (!earlier) return std::unexpected(earlier.error());
    if (!earlier->rows.empty()) {
      auto item = move_in_from_payload(earlier->rows[0].text(1));
      if (!item) return std::unexpected(item.error());
      registry::MoveRequest sent = item->request;
      sent.assigned_kk_number.reset();
      if (boost::json::serialize(registry::move_request_json(sent)) != request_text) {
        return make_error(ErrorCode::kAlreadyExists,
                          fmt::format("idempotency_key: '{}' was already used for another move-in", ctx.idempotency_key));
      }
      return StationMoveIn{*item->request.assigned_kk_number, earlier->rows[0].integer(0), true};
    }
    const CivilDate today = ctx.today();
    auto serial = next_leased_serial(c, "kk", "KK" + kk_prefix(district_code, today), now);
    if (!serial) return std::unexpected(serial.error());
    if (*serial < 1 || *serial > 9999) {
      return make_error(ErrorCode::kInternal, fmt::format("leased KK serial {} is not 1..9999", *serial));
    }
    StationMoveIn saved;
    saved.kk_number = format_kk_number(district_code, today, *serial);
    auto seq = append_outbox(c, {std::string(kMoveInKind), key, request.niks.front(),
                                 move_in_to_payload(request, saved.kk_number, ctx)},
                             now);
    if (!seq) return std::unexpected(seq.error());
    saved.outbox_seq = *seq;
    return saved;
  });
}

ItemHandler make_move_in_handler(const RegionDirectory& regions, const registry::EventHook* after_event) {
  return [&regions, after_event](store::Connection& c, const StationRecord& station, const OutboxItem& item,
                    std::int64_t now_ms) -> Result<ItemResult> {
    auto move = move_in_from_payload(item.payload);
    if (!move) return std::unexpected(move.error());
    const std::string& kk = *move->request.assigned_kk_number;
    if (item.item_key != move_in_item_key(station.station_id, move->desk_key) || move->request.niks.empty() ||
        item.nik != move->request.niks.front()) {
      return make_error(ErrorCode::kPermissionDenied,
                        fmt::format("move-in item {} is not station {}'s item as sent", item.item_key,
                                    station.station_id));
    }
    if (!station.district_code.empty() && kk.substr(0, 6) != station.district_code) {
      return make_error(ErrorCode::kPermissionDenied,
                        fmt::format("KK number {} is not of station {}'s district {}", kk, station.station_id,
                                    station.district_code));
    }
    // Digits 13–16 are the serial; it must come from a block lent to this station.
    const int serial = std::stoi(kk.substr(12, 4));
    if (auto s = check_leased_serial(c, station.station_id, "kk", kk.substr(0, 6), serial); !s) {
      return std::unexpected(s.error());
    }
    if (auto s = check_station_operator(station, move->operator_name); !s) return std::unexpected(s.error());
    registry::WriteContext ctx{{fmt::format("{}@{}", move->operator_name, station.station_id), move->role},
                               std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms)),
                               item.item_key,
                               item.item_sha256,
                               after_event};
    auto event = registry::apply_move(c, ctx, regions, move->request);
    if (!event) return std::unexpected(event.error());
    return ItemResult{"applied", fmt::format("move-in applied: {} person(s) on family card {} (event {})",
                                             move->request.niks.size(), kk, event->event_id)};
  };
}

}  // namespace ektp::sync
