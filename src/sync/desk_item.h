// The envelope of a civil event recorded at a station desk and sent through the outbox (births,
// move-ins): the request itself, the number the station assigned from its lease (a NIK or a KK
// number), and who recorded it, under which desk key, when (the station's clock).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/error.h"
#include "core/role.h"
#include "registry/context.h"

namespace ektp::sync {

struct DeskItem {
  boost::json::object request;  // the event's request, parsed by its kind
  std::string assigned_number;  // 16 digits
  std::string operator_name;
  Role role = Role::kOperator;
  std::string desk_key;
  std::int64_t recorded_at_ms = 0;
};

// `number_field` is the payload's name for the assigned number ("nik", "kk_number").
std::string desk_item_payload(boost::json::object request, std::string_view number_field, std::string_view number,
                              const registry::WriteContext& ctx);
// kInvalidArgument naming the field.
Result<DeskItem> parse_desk_item(std::string_view payload, std::string_view kind, std::string_view number_field,
                                 std::size_t bytes_max);

}  // namespace ektp::sync
