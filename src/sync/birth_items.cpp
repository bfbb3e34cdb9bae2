#include "sync/birth_items.h"

#include "sync/desk_item.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/nik.h"
#include "registry/event_json.h"
#include "registry/json_fields.h"
#include "sync/outbox.h"
#include "sync/serial_leases.h"
#include "sync/station_bounds.h"

namespace ektp::sync {

namespace {

using boost::json::object;

constexpr std::size_t kBirthPayloadBytesMax = 64 * 1024;

}  // namespace

std::string birth_item_key(std::string_view station_id, std::string_view nik) {
  return fmt::format("{}/birth/{}", station_id, nik);
}

std::string birth_to_payload(const registry::BirthRequest& request, std::string_view nik,
                             const registry::WriteContext& ctx) {
  return desk_item_payload(registry::birth_request_json(request), "nik", nik, ctx);
}

Result<BirthItem> birth_from_payload(std::string_view payload) {
  auto item = parse_desk_item(payload, "birth", "nik", kBirthPayloadBytesMax);
  if (!item) return std::unexpected(item.error());
  auto request = registry::parse_birth_request(item->request);
  if (!request) return invalid_argument(fmt::format("request.{}", request.error().message));
  BirthItem birth{std::move(*request), item->operator_name, item->role, item->desk_key, item->recorded_at_ms};
  birth.request.assigned_nik = item->assigned_number;
  return birth;
}

Result<StationBirth> save_birth_with_outbox(store::Database& db, std::string_view station_id,
                                            const registry::WriteContext& ctx, const registry::BirthRequest& request) {
  if (request.assigned_nik) return invalid_argument("assigned_nik: a station takes the NIK from its own lease");
  const std::int64_t now = ctx.now_ms();
  auto from_lease = [now](store::Connection& c, std::string_view prefix) {
    return next_leased_serial(c, "nik", prefix, now);
  };
  return store::with_write_transaction<StationBirth>(db, [&](store::Connection& c) -> Result<StationBirth> {
    auto event = registry::apply_birth(c, ctx, request, from_lease);
    if (!event) return std::unexpected(event.error());
    StationBirth birth;
    const auto* nik = event->outcome.if_contains("nik");
    const auto* kk = event->outcome.if_contains("kk_number");
    if (!nik || !nik->is_string() || !kk || !kk->is_string()) {
      return make_error(ErrorCode::kDataLoss, fmt::format("birth event {} has no NIK in its outcome", event->event_id));
    }
    birth.nik = std::string(nik->as_string());
    birth.kk_number = std::string(kk->as_string());
    birth.event = std::move(*event);
    if (birth.event.replayed) return birth;
    auto seq = append_outbox(
        c, {std::string(kBirthKind), birth_item_key(station_id, birth.nik), birth.nik, birth_to_payload(request, birth.nik, ctx)},
        now);
    if (!seq) return std::unexpected(seq.error());
    birth.outbox_seq = *seq;
    return birth;
  });
}

ItemHandler make_birth_handler(const registry::EventHook* after_event) {
  return [after_event](store::Connection& c, const StationRecord& station, const OutboxItem& item,
            std::int64_t now_ms) -> Result<ItemResult> {
    auto birth = birth_from_payload(item.payload);
    if (!birth) return std::unexpected(birth.error());
    const std::string& nik = *birth->request.assigned_nik;
    if (item.nik != nik || item.item_key != birth_item_key(station.station_id, nik)) {
      return make_error(ErrorCode::kPermissionDenied,
                        fmt::format("birth item {} does not carry NIK {} of station {} as sent", item.item_key, nik,
                                    station.station_id));
    }
    if (auto s = check_station_operator(station, birth->operator_name); !s) return std::unexpected(s.error());
    // Digits 13–16 are the serial; it must come from a block lent to this station.
    const int serial = std::stoi(nik.substr(12, 4));
    if (auto s = check_leased_serial(c, station.station_id, "nik", nik.substr(0, 6), serial); !s) {
      return std::unexpected(s.error());
    }
    registry::WriteContext ctx{{fmt::format("{}@{}", birth->operator_name, station.station_id), birth->role},
                               std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms)),
                               item.item_key,
                               item.item_sha256,
                               after_event};
    auto event = registry::apply_birth(c, ctx, birth->request);
    if (!event) return std::unexpected(event.error());
    return ItemResult{"applied", fmt::format("birth registered: NIK {} (event {})", nik, event->event_id)};
  };
}

}  // namespace ektp::sync
