// Reading typed fields out of a JSON request body with errors that name the field
// ("birth_date: must be a string like 2024-01-31"). Unknown fields are rejected so that a typo
// does not silently drop data.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/civil_date.h"
#include "core/error.h"

namespace ektp::json {

// Parses a complete JSON text with the depth limit of core/limits.h. kResourceExhausted past
// `bytes_max`; kInvalidArgument naming the byte where it went wrong.
Result<boost::json::value> parse_json_text(std::string_view text, std::size_t bytes_max, std::string_view what);

Result<const boost::json::object*> as_object(const boost::json::value& value, std::string_view what);
Status only_fields(const boost::json::object& object, std::initializer_list<std::string_view> allowed,
                   std::string_view prefix = "");

Result<std::string> required_string(const boost::json::object& object, std::string_view field,
                                    std::string_view prefix = "");
Result<std::optional<std::string>> optional_string(const boost::json::object& object,
                                                   std::string_view field, std::string_view prefix = "");
Result<std::int64_t> required_int(const boost::json::object& object, std::string_view field,
                                  std::string_view prefix = "");
Result<std::optional<std::int64_t>> optional_int(const boost::json::object& object, std::string_view field,
                                                 std::string_view prefix = "");
Result<CivilDate> required_date(const boost::json::object& object, std::string_view field,
                                std::string_view prefix = "");
Result<const boost::json::array*> optional_array(const boost::json::object& object,
                                                 std::string_view field, std::size_t size_max);

}  // namespace ektp::json
