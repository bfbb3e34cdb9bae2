// Reading typed fields out of a JSON request body with errors that name the field
// ("birth_date: must be a string like 2024-01-31"). Unknown fields are rejected so that a typo
// does not silently drop data.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

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

// A list of NIK strings (at most limits::family_members_max); absent → empty.
Result<std::vector<std::string>> nik_list(const boost::json::object& object, std::string_view field);

// An optional vocabulary value: absent → nullopt; `parse(text)` → Result<T>, its error prefixed
// with the field.
template <class T, class Parse>
Result<std::optional<T>> optional_enum(const boost::json::object& body, std::string_view field, Parse parse) {
  auto text = optional_string(body, field);
  if (!text) return std::unexpected(text.error());
  if (!*text) return std::optional<T>{};
  auto value = parse(**text);
  if (!value) return invalid_argument(fmt::format("{}: {}", field, value.error().message));
  return std::optional<T>{*value};
}

}  // namespace ektp::json
