#include "sync/birth_items.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/nik.h"
#include "registry/event_json.h"
#include "registry/json_fields.h"
#include "sync/outbox.h"
#include "sync/serial_leases.h"

namespace ektp::sync {

namespace {

using boost::json::object;

constexpr std::size_t kBirthPayloadBytesMax = 64 * 1024;

bool is_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string birth_item_key(std::string_view station_id, std::string_view nik) {
  return fmt::format("{}/birth/{}", station_id, nik);
}

std::string birth_to_payload(const registry::BirthRequest& request, std::string_view nik,
                             const registry::WriteContext& ctx) {
  return boost::json::serialize(object{{"request", registry::birth_request_json(request)},
                                       {"nik", nik},
                                       {"operator", ctx.actor.username},
                                       {"role", std::string(role_id(ctx.actor.role))},
                                       {"desk_key", ctx.idempotency_key},
                                       {"recorded_at_ms", ctx.now_ms()}});
}

Result<BirthItem> birth_from_payload(std::string_view payload) {
  auto value = json::parse_json_text(payload, kBirthPayloadBytesMax, "birth");
  if (!value) return std::unexpected(value.error());
  auto o = json::as_object(*value, "birth");
  if (!o) return std::unexpected(o.error());
  if (auto s = json::only_fields(**o, {"request", "nik", "operator", "role", "desk_key", "recorded_at_ms"}); !s) {
    return std::unexpected(s.error());
  }
  const auto* request_value = (*o)->if_contains("request");
  if (!request_value) return invalid_argument("request: is required");
  auto request_object = json::as_object(*request_value, "request");
  if (!request_object) return std::unexpected(request_object.error());
  auto request = registry::parse_birth_request(**request_object);
  if (!request) return invalid_argument(fmt::format("request.{}", request.error().message));
  auto nik = json::required_string(**o, "nik");
  if (!nik) return std::unexpected(nik.error());
  if (nik->size() != 16 || !is_digits(*nik)) return invalid_argument(fmt::format("nik: '{}' is not 16 digits", nik->substr(0, 40)));
  auto operator_name = json::required_string(**o, "operator");
  if (!operator_name) return std::unexpected(operator_name.error());
  if (operator_name->empty() || operator_name->size() > 64) return invalid_argument("operator: must be 1 to 64 characters");
  auto role_text = json::required_string(**o, "role");
  if (!role_text) return std::unexpected(role_text.error());
  auto role = parse_role(*role_text);
  if (!role) return invalid_argument(fmt::format("role: {}", role.error().message));
  auto desk_key = json::required_string(**o, "desk_key");
  if (!desk_key) return std::unexpected(desk_key.error());
  auto recorded = json::required_int(**o, "recorded_at_ms");
  if (!recorded) return std::unexpected(recorded.error());
  BirthItem item{std::move(*request), *operator_name, *role, *desk_key, *recorded};
  item.request.assigned_nik = *nik;
  return item;
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

ItemHandler make_birth_handler() {
  return [](store::Connection& c, const StationRecord& station, const OutboxItem& item,
            std::int64_t now_ms) -> Result<ItemResult> {
    auto birth = birth_from_payload(item.payload);
    if (!birth) return std::unexpected(birth.error());
    const std::string& nik = *birth->request.assigned_nik;
    if (item.nik != nik || item.item_key != birth_item_key(station.station_id, nik)) {
      return make_error(ErrorCode::kPermissionDenied,
                        fmt::format("birth item {} does not carry NIK {} of station {} as sent", item.item_key, nik,
                                    station.station_id));
    }
    // Digits 13–16 are the serial; it must come from a block lent to this station.
    const int serial = std::stoi(nik.substr(12, 4));
    if (auto s = check_leased_serial(c, station.station_id, "nik", nik.substr(0, 6), serial); !s) {
      return std::unexpected(s.error());
    }
    registry::WriteContext ctx{{fmt::format("{}@{}", birth->operator_name, station.station_id), birth->role},
                               std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms)),
                               item.item_key,
                               item.item_sha256};
    auto event = registry::apply_birth(c, ctx, birth->request);
    if (!event) return std::unexpected(event.error());
    return ItemResult{"applied", fmt::format("birth registered: NIK {} (event {})", nik, event->event_id)};
  };
}

}  // namespace ektp::sync
