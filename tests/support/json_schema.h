// A checker for the part of JSON Schema that docs/openapi.json uses (OpenAPI 3.0 schema
// objects): type with nullable, properties, required, additionalProperties (false or a schema),
// items, enum, pattern, minLength/maxLength, minItems/maxItems, minProperties/maxProperties,
// minimum/maximum, allOf/anyOf/oneOf, and $ref to "#/components/schemas/NAME". Other keywords
// (description, format, …) say nothing it checks. Test-only; not thread-safe (it caches patterns).
#pragma once

#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace ektp::test {

class SchemaChecker {
 public:
  // `document` holds components.schemas, which $ref points into; it must outlive the checker.
  explicit SchemaChecker(const boost::json::object& document) : document_(document) {}

  // Every way `value` breaks `schema`, each as "PATH: what" (PATH "$" is the value itself,
  // "$.address.rt" a member, "$.members[2]" an item); empty when it conforms.
  std::vector<std::string> check(const boost::json::value& value, const boost::json::value& schema) {
    std::vector<std::string> problems;
    check_at(value, schema, "$", problems, 0);
    return problems;
  }

  // The schema a {"$ref": …} names (followed until it is not a reference); nullptr when it
  // names nothing in the document.
  const boost::json::value* resolve(const boost::json::value& schema) const {
    const boost::json::value* at = &schema;
    for (int hops = 0; hops < kRefHopsMax && at->is_object(); ++hops) {
      const auto* ref = at->as_object().if_contains("$ref");
      if (ref == nullptr) return at;
      if (!ref->is_string()) return nullptr;
      const std::string_view text = ref->as_string();
      constexpr std::string_view kPrefix = "#/components/schemas/";
      if (!text.starts_with(kPrefix)) return nullptr;
      const auto* components = document_.if_contains("components");
      const auto* schemas = components && components->is_object() ? components->as_object().if_contains("schemas")
                                                                    : nullptr;
      at = schemas && schemas->is_object() ? schemas->as_object().if_contains(text.substr(kPrefix.size()))
                                           : nullptr;
      if (at == nullptr) return nullptr;
    }
    return at->is_object() && at->as_object().contains("$ref") ? nullptr : at;
  }

 private:
  static constexpr int kRefHopsMax = 16;
  static constexpr int kDepthMax = 64;

  static std::string kind_of(const boost::json::value& value) {
    switch (value.kind()) {
      case boost::json::kind::null: return "null";
      case boost::json::kind::bool_: return "boolean";
      case boost::json::kind::int64:
      case boost::json::kind::uint64: return "integer";
      case boost::json::kind::double_: return "number";
      case boost::json::kind::string: return "string";
      case boost::json::kind::array: return "array";
      case boost::json::kind::object: return "object";
    }
    return "?";
  }

  static bool has_type(const boost::json::value& value, std::string_view type) {
    const std::string kind = kind_of(value);
    return kind == type || (type == "number" && kind == "integer");
  }

  static double number_of(const boost::json::value& value) {
    if (value.is_int64()) return static_cast<double>(value.as_int64());
    if (value.is_uint64()) return static_cast<double>(value.as_uint64());
    return value.as_double();
  }

  static std::string text_of(const boost::json::value& value) {
    std::string text = boost::json::serialize(value);
    return text.size() > 60 ? text.substr(0, 57) + "..." : text;
  }

  const std::regex& pattern(const std::string& source) {
    auto it = patterns_.find(source);
    if (it == patterns_.end()) it = patterns_.emplace(source, std::regex(source, std::regex::ECMAScript)).first;
    return it->second;
  }

  void check_at(const boost::json::value& value, const boost::json::value& raw, const std::string& path,
                std::vector<std::string>& problems, int depth) {
    if (depth > kDepthMax) {
      problems.push_back(path + ": schema nests too deep");
      return;
    }
    const boost::json::value* resolved = resolve(raw);
    if (resolved == nullptr) {
      problems.push_back(fmt::format("{}: unresolvable schema {}", path, text_of(raw)));
      return;
    }
    if (!resolved->is_object()) {
      problems.push_back(path + ": a schema must be an object");
      return;
    }
    const boost::json::object& schema = resolved->as_object();
    const auto* nullable = schema.if_contains("nullable");
    if (value.is_null() && nullable && nullable->is_bool() && nullable->as_bool()) return;
    check_combinations(value, schema, path, problems, depth);
    if (value.is_null()) {
      if (schema.contains("type")) problems.push_back(path + ": null where the schema is not nullable");
      return;
    }
    if (const auto* type = schema.if_contains("type"); type && type->is_string()) {
      if (!has_type(value, type->as_string())) {
        problems.push_back(fmt::format("{}: {} where {} is expected ({})", path, kind_of(value),
                                       std::string_view(type->as_string()), text_of(value)));
        return;
      }
    }
    if (const auto* values = schema.if_contains("enum"); values && values->is_array()) {
      bool listed = false;
      for (const auto& allowed : values->as_array()) listed = listed || allowed == value;
      if (!listed) problems.push_back(fmt::format("{}: {} is not one of {}", path, text_of(value), text_of(*values)));
    }
    if (value.is_string()) check_string(value.as_string(), schema, path, problems);
    if (value.is_number()) check_number(value, schema, path, problems);
    if (value.is_array()) check_array(value.as_array(), schema, path, problems, depth);
    if (value.is_object()) check_object(value.as_object(), schema, path, problems, depth);
  }

  void check_combinations(const boost::json::value& value, const boost::json::object& schema, const std::string& path,
                          std::vector<std::string>& problems, int depth) {
    if (const auto* all = schema.if_contains("allOf"); all && all->is_array()) {
      for (const auto& part : all->as_array()) check_at(value, part, path, problems, depth + 1);
    }
    for (const char* keyword : {"anyOf", "oneOf"}) {
      const auto* options = schema.if_contains(keyword);
      if (options == nullptr || !options->is_array()) continue;
      std::size_t matching = 0;
      for (const auto& option : options->as_array()) {
        std::vector<std::string> ignored;
        check_at(value, option, path, ignored, depth + 1);
        matching += ignored.empty() ? 1 : 0;
      }
      const bool one_of = std::string_view(keyword) == "oneOf";
      if (matching == 0 || (one_of && matching > 1)) {
        problems.push_back(fmt::format("{}: matches {} of the {} schemas of {}", path, matching,
                                       options->as_array().size(), keyword));
      }
    }
  }

  static std::int64_t bound(const boost::json::object& schema, std::string_view keyword, std::int64_t otherwise) {
    const auto* v = schema.if_contains(keyword);
    return v && v->is_int64() ? v->as_int64() : otherwise;
  }

  void check_string(const boost::json::string& text, const boost::json::object& schema, const std::string& path,
                    std::vector<std::string>& problems) {
    // Lengths in bytes: every bound in the document is on ASCII (or a byte limit of the server's).
    const auto length = static_cast<std::int64_t>(text.size());
    if (length < bound(schema, "minLength", 0)) problems.push_back(path + ": shorter than minLength");
    if (length > bound(schema, "maxLength", INT64_MAX)) problems.push_back(path + ": longer than maxLength");
    if (const auto* source = schema.if_contains("pattern"); source && source->is_string()) {
      if (!std::regex_search(text.begin(), text.end(), pattern(std::string(source->as_string())))) {
        problems.push_back(fmt::format("{}: \"{}\" does not match /{}/", path, std::string_view(text).substr(0, 60),
                                       std::string_view(source->as_string())));
      }
    }
  }

  static void check_number(const boost::json::value& value, const boost::json::object& schema, const std::string& path,
                           std::vector<std::string>& problems) {
    const double number = number_of(value);
    if (const auto* min = schema.if_contains("minimum"); min && min->is_number() && number < number_of(*min)) {
      problems.push_back(fmt::format("{}: {} is below the minimum {}", path, text_of(value), text_of(*min)));
    }
    if (const auto* max = schema.if_contains("maximum"); max && max->is_number() && number > number_of(*max)) {
      problems.push_back(fmt::format("{}: {} is above the maximum {}", path, text_of(value), text_of(*max)));
    }
  }

  void check_array(const boost::json::array& items, const boost::json::object& schema, const std::string& path,
                   std::vector<std::string>& problems, int depth) {
    const auto count = static_cast<std::int64_t>(items.size());
    if (count < bound(schema, "minItems", 0)) problems.push_back(path + ": fewer items than minItems");
    if (count > bound(schema, "maxItems", INT64_MAX)) problems.push_back(path + ": more items than maxItems");
    const auto* item_schema = schema.if_contains("items");
    if (item_schema == nullptr) return;
    for (std::size_t k = 0; k < items.size(); ++k) {
      check_at(items[k], *item_schema, fmt::format("{}[{}]", path, k), problems, depth + 1);
    }
  }

  void check_object(const boost::json::object& members, const boost::json::object& schema, const std::string& path,
                    std::vector<std::string>& problems, int depth) {
    const auto count = static_cast<std::int64_t>(members.size());
    if (count < bound(schema, "minProperties", 0)) problems.push_back(path + ": fewer members than minProperties");
    if (count > bound(schema, "maxProperties", INT64_MAX)) {
      problems.push_back(path + ": more members than maxProperties");
    }
    if (const auto* required = schema.if_contains("required"); required && required->is_array()) {
      for (const auto& name : required->as_array()) {
        if (name.is_string() && !members.contains(name.as_string())) {
          problems.push_back(
              fmt::format("{}: required member \"{}\" is missing", path, std::string_view(name.as_string())));
        }
      }
    }
    const auto* properties_value = schema.if_contains("properties");
    const boost::json::object* properties =
        properties_value && properties_value->is_object() ? &properties_value->as_object() : nullptr;
    const auto* additional = schema.if_contains("additionalProperties");
    for (const auto& [name, member] : members) {
      const std::string member_path = fmt::format("{}.{}", path, std::string_view(name));
      if (const auto* declared = properties ? properties->if_contains(name) : nullptr) {
        check_at(member, *declared, member_path, problems, depth + 1);
      } else if (additional && additional->is_bool() && !additional->as_bool()) {
        problems.push_back(fmt::format("{}: member \"{}\" is not in the schema (additionalProperties: false)", path,
                                       std::string_view(name)));
      } else if (additional && additional->is_object()) {
        check_at(member, *additional, member_path, problems, depth + 1);
      }
    }
  }

  const boost::json::object& document_;
  std::map<std::string, std::regex> patterns_;
};

}  // namespace ektp::test
