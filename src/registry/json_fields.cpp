#include "registry/json_fields.h"

#include <boost/json/parse.hpp>

#include "core/limits.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace ektp::json {

namespace {

std::string name_of(std::string_view prefix, std::string_view field) {
  return prefix.empty() ? std::string(field) : fmt::format("{}.{}", prefix, field);
}

}  // namespace

Result<const boost::json::object*> as_object(const boost::json::value& value, std::string_view what) {
  if (!value.is_object()) return invalid_argument(fmt::format("{}: must be a JSON object", what));
  return &value.as_object();
}

Status only_fields(const boost::json::object& object, std::initializer_list<std::string_view> allowed,
                   std::string_view prefix) {
  for (const auto& [key, value] : object) {
    bool known = false;
    for (auto a : allowed) known = known || a == std::string_view(key);
    if (!known) {
      return invalid_argument(fmt::format("{}: unknown field",
                                          name_of(prefix, std::string_view(key).substr(0, 40))));
    }
  }
  return {};
}

Result<std::optional<std::string>> optional_string(const boost::json::object& object,
                                                   std::string_view field, std::string_view prefix) {
  const auto* value = object.if_contains(field);
  if (value == nullptr || value->is_null()) return std::optional<std::string>{};
  if (!value->is_string()) return invalid_argument(fmt::format("{}: must be a string", name_of(prefix, field)));
  return std::optional<std::string>{std::string(value->as_string())};
}

Result<std::string> required_string(const boost::json::object& object, std::string_view field,
                                    std::string_view prefix) {
  auto value = optional_string(object, field, prefix);
  if (!value) return std::unexpected(value.error());
  if (!*value || (*value)->empty()) return invalid_argument(fmt::format("{}: is required", name_of(prefix, field)));
  return std::move(**value);
}

Result<boost::json::value> parse_json_text(std::string_view text, std::size_t bytes_max, std::string_view what) {
  if (text.size() > bytes_max) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("{}: {} bytes is too large, the limit is {}", what, text.size(), bytes_max));
  }
  try {
    boost::json::parse_options options;
    options.max_depth = limits::json_depth_max;
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec, boost::json::storage_ptr(), options);
    if (ec) return invalid_argument(fmt::format("{}: invalid JSON: {}", what, ec.message()));
    return value;
  } catch (const std::exception& e) {
    return invalid_argument(fmt::format("{}: invalid JSON: {}", what, e.what()));
  }
}

Result<std::optional<std::int64_t>> optional_int(const boost::json::object& object, std::string_view field,
                                                 std::string_view prefix) {
  auto it = object.find(field);
  if (it == object.end() || it->value().is_null()) return std::optional<std::int64_t>{};
  const auto& v = it->value();
  if (v.is_int64()) return std::optional<std::int64_t>{v.as_int64()};
  if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>{static_cast<std::int64_t>(v.as_uint64())};
  }
  return invalid_argument(fmt::format("{}: must be an integer", name_of(prefix, field)));
}

Result<std::int64_t> required_int(const boost::json::object& object, std::string_view field,
                                  std::string_view prefix) {
  auto value = optional_int(object, field, prefix);
  if (!value) return std::unexpected(value.error());
  if (!*value) return invalid_argument(fmt::format("{}: is required", name_of(prefix, field)));
  return **value;
}

Result<CivilDate> required_date(const boost::json::object& object, std::string_view field,
                                std::string_view prefix) {
  auto text = required_string(object, field, prefix);
  if (!text) return std::unexpected(text.error());
  auto date = parse_civil_date(*text);
  if (!date) return invalid_argument(fmt::format("{}: {}", name_of(prefix, field), date.error().message));
  return *date;
}

Result<const boost::json::array*> optional_array(const boost::json::object& object,
                                                 std::string_view field, std::size_t size_max) {
  static const boost::json::array empty;
  const auto* value = object.if_contains(field);
  if (value == nullptr || value->is_null()) return &empty;
  if (!value->is_array()) return invalid_argument(fmt::format("{}: must be a list", field));
  if (value->as_array().size() > size_max) {
    return invalid_argument(fmt::format("{}: at most {} items", field, size_max));
  }
  return &value->as_array();
}

Result<std::vector<std::string>> nik_list(const boost::json::object& object, std::string_view field) {
  auto list = optional_array(object, field, limits::family_members_max);
  if (!list) return std::unexpected(list.error());
  std::vector<std::string> niks;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    const auto& v = (**list)[i];
    if (!v.is_string()) return invalid_argument(fmt::format("{}[{}]: must be a NIK string", field, i));
    niks.emplace_back(v.as_string());
  }
  return niks;
}

}  // namespace ektp::json
