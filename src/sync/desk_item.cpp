#include "sync/desk_item.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "registry/json_fields.h"

namespace ektp::sync {

std::string desk_item_payload(boost::json::object request, std::string_view number_field, std::string_view number,
                              const registry::WriteContext& ctx) {
  boost::json::object o{{"request", std::move(request)},
                        {"operator", ctx.actor.username},
                        {"role", std::string(role_id(ctx.actor.role))},
                        {"desk_key", ctx.idempotency_key},
                        {"recorded_at_ms", ctx.now_ms()}};
  o[number_field] = number;
  return boost::json::serialize(o);
}

Result<DeskItem> parse_desk_item(std::string_view payload, std::string_view kind, std::string_view number_field,
                                 std::size_t bytes_max) {
  auto value = json::parse_json_text(payload, bytes_max, kind);
  if (!value) return std::unexpected(value.error());
  auto o = json::as_object(*value, kind);
  if (!o) return std::unexpected(o.error());
  if (auto s = json::only_fields(**o, {"request", number_field, "operator", "role", "desk_key", "recorded_at_ms"}); !s) {
    return std::unexpected(s.error());
  }
  DeskItem item;
  const auto* request_value = (*o)->if_contains("request");
  if (!request_value) return invalid_argument("request: is required");
  auto request_object = json::as_object(*request_value, "request");
  if (!request_object) return std::unexpected(request_object.error());
  item.request = **request_object;
  auto number = json::required_string(**o, number_field);
  if (!number) return std::unexpected(number.error());
  if (number->size() != 16 || number->find_first_not_of("0123456789") != std::string::npos) {
    return invalid_argument(fmt::format("{}: '{}' is not 16 digits", number_field, number->substr(0, 40)));
  }
  item.assigned_number = *number;
  auto operator_name = json::required_string(**o, "operator");
  if (!operator_name) return std::unexpected(operator_name.error());
  if (operator_name->empty() || operator_name->size() > 64) return invalid_argument("operator: must be 1 to 64 characters");
  item.operator_name = *operator_name;
  auto role_text = json::required_string(**o, "role");
  if (!role_text) return std::unexpected(role_text.error());
  auto role = parse_role(*role_text);
  if (!role) return invalid_argument(fmt::format("role: {}", role.error().message));
  item.role = *role;
  auto desk_key = json::required_string(**o, "desk_key");
  if (!desk_key) return std::unexpected(desk_key.error());
  item.desk_key = *desk_key;
  auto recorded = json::required_int(**o, "recorded_at_ms");
  if (!recorded) return std::unexpected(recorded.error());
  item.recorded_at_ms = *recorded;
  return item;
}

}  // namespace ektp::sync
