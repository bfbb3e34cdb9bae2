// docs/openapi.json as the tests read it: the operations it describes, the one a request goes
// to, and whether an answer is what the document says that operation answers — a documented
// status, a documented content type, and for JSON a body that matches its schema
// (support/json_schema.h). Test-only.
#pragma once

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "support/json_schema.h"

namespace ektp::test {

struct DocumentedOperation {
  std::string method;                // "GET"
  std::string pattern;               // with the server's base path: "/api/v1/persons/{nik}"
  std::vector<std::string> servers;  // x-ektp-servers: "central", "station"
};

class OpenApiDocument {
 public:
  // The document in `file`; nullopt (and `problem` says why) when it cannot be read or parsed.
  static std::optional<OpenApiDocument> load(const std::string& file, std::string& problem) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      problem = "cannot read " + file;
      return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), problem);
  }
  static std::optional<OpenApiDocument> parse(std::string_view text, std::string& problem) {
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) {
      problem = ec ? "not JSON: " + ec.message() : std::string("not a JSON object");
      return std::nullopt;
    }
    return OpenApiDocument(std::move(value.as_object()));
  }

  const boost::json::object& json() const { return document_; }

  // servers[0].url ("/api/v1"), which every path of the document is under.
  std::string base_path() const {
    const auto* servers = document_.if_contains("servers");
    if (servers == nullptr || !servers->is_array() || servers->as_array().empty()) return "";
    const auto* url = servers->as_array().front().as_object().if_contains("url");
    return url && url->is_string() ? std::string(url->as_string()) : std::string();
  }

  std::vector<DocumentedOperation> operations() const {
    std::vector<DocumentedOperation> out;
    for (const auto& [path, item] : paths()) {
      for (const auto& [key, operation] : item.as_object()) {
        if (!is_method(key) || !operation.is_object()) continue;
        DocumentedOperation documented{upper(key), base_path() + std::string(path), {}};
        if (const auto* servers = operation.as_object().if_contains("x-ektp-servers"); servers && servers->is_array()) {
          for (const auto& server : servers->as_array()) {
            if (server.is_string()) documented.servers.emplace_back(server.as_string());
          }
        }
        out.push_back(std::move(documented));
      }
    }
    return out;
  }

  // The operation a request for `method` and the concrete `path` ("/api/v1/persons/3327…") goes
  // to, a literal segment winning over a {parameter}; nullptr when the document has none.
  // `pattern` (when given) gets the documented path, with the base path.
  const boost::json::object* find(std::string_view method, std::string_view path,
                                  std::string* pattern = nullptr) const {
    const std::string base = base_path();
    if (!path.starts_with(base)) return nullptr;
    const auto wanted = segments(path.substr(base.size()));
    const boost::json::object* best = nullptr;
    int best_literals = -1;
    for (const auto& [template_path, item] : paths()) {
      const auto* operation = item.as_object().if_contains(lower(method));
      if (operation == nullptr || !operation->is_object()) continue;
      const auto parts = segments(template_path);
      if (parts.size() != wanted.size()) continue;
      int literals = 0;
      bool matches = true;
      for (std::size_t k = 0; k < parts.size() && matches; ++k) {
        const bool parameter = parts[k].size() > 2 && parts[k].front() == '{' && parts[k].back() == '}';
        matches = parameter || parts[k] == wanted[k];
        literals += parameter ? 0 : 1;
      }
      if (matches && literals > best_literals) {
        best = &operation->as_object();
        best_literals = literals;
        if (pattern != nullptr) *pattern = base + std::string(template_path);
      }
    }
    return best;
  }

  // Every way an answer differs from what the document says `method` `path` answers with
  // `status`; empty when it conforms. Each problem starts with "METHOD PATTERN STATUS".
  std::vector<std::string> problems(std::string_view method, std::string_view path, int status,
                                    std::string_view content_type, std::string_view body) const {
    std::string pattern;
    const boost::json::object* operation = find(method, path, &pattern);
    if (operation == nullptr) return {fmt::format("{} {}: no such operation in docs/openapi.json", method, path)};
    const std::string where = fmt::format("{} {} {}", method, pattern, status);
    const boost::json::object* response = response_for(*operation, status);
    if (response == nullptr) return {where + ": status not documented (and no default)"};
    const auto* content = response->if_contains("content");
    if (content == nullptr || !content->is_object()) {
      if (body.empty()) return {};
      return {fmt::format("{}: documents no body, got {} bytes", where, body.size())};
    }
    const std::string mime = media_type(content_type);
    const auto* media = content->as_object().if_contains(mime);
    if (media == nullptr) {
      return {fmt::format("{}: content type '{}' is not documented ({})", where, mime,
                          boost::json::serialize(keys_of(content->as_object())))};
    }
    if (mime != "application/json") return {};
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(body, ec);
    if (ec) return {fmt::format("{}: body is not JSON ({})", where, ec.message())};
    const auto* schema = media->as_object().if_contains("schema");
    if (schema == nullptr) return {};
    SchemaChecker checker(document_);
    std::vector<std::string> out;
    for (auto& problem : checker.check(parsed, *schema)) out.push_back(where + " " + problem);
    return out;
  }

  // Every way a JSON request body differs from the operation's documented requestBody schema;
  // empty when it conforms (or when the operation documents no body and none is sent).
  std::vector<std::string> request_problems(std::string_view method, std::string_view path,
                                            std::string_view body) const {
    std::string pattern;
    const boost::json::object* operation = find(method, path, &pattern);
    if (operation == nullptr) return {fmt::format("{} {}: no such operation in docs/openapi.json", method, path)};
    const std::string where = fmt::format("{} {} request", method, pattern);
    const auto* request = operation->if_contains("requestBody");
    if (request == nullptr) {
      if (body.empty() || body == "{}") return {};
      return {where + ": documents no body, got one"};
    }
    const auto* schema = request->as_object().at("content").as_object().at("application/json").as_object().if_contains(
        "schema");
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(body, ec);
    if (ec) return {fmt::format("{}: body is not JSON ({})", where, ec.message())};
    if (schema == nullptr) return {};
    SchemaChecker checker(document_);
    std::vector<std::string> out;
    for (auto& problem : checker.check(parsed, *schema)) out.push_back(where + " " + problem);
    return out;
  }

 private:
  explicit OpenApiDocument(boost::json::object document) : document_(std::move(document)) {}

  const boost::json::object& paths() const {
    static const boost::json::object kNone;
    const auto* paths = document_.if_contains("paths");
    return paths && paths->is_object() ? paths->as_object() : kNone;
  }

  // responses["404"], else responses["default"], a components.responses $ref followed.
  const boost::json::object* response_for(const boost::json::object& operation, int status) const {
    const auto* responses = operation.if_contains("responses");
    if (responses == nullptr || !responses->is_object()) return nullptr;
    const auto* response = responses->as_object().if_contains(std::to_string(status));
    if (response == nullptr) response = responses->as_object().if_contains("default");
    if (response == nullptr || !response->is_object()) return nullptr;
    if (const auto* ref = response->as_object().if_contains("$ref"); ref && ref->is_string()) {
      constexpr std::string_view kPrefix = "#/components/responses/";
      const std::string_view text = ref->as_string();
      if (!text.starts_with(kPrefix)) return nullptr;
      const auto* components = document_.if_contains("components");
      const auto* named = components ? components->as_object().if_contains("responses") : nullptr;
      response = named ? named->as_object().if_contains(text.substr(kPrefix.size())) : nullptr;
      if (response == nullptr || !response->is_object()) return nullptr;
    }
    return &response->as_object();
  }

  static std::string media_type(std::string_view content_type) {
    std::string_view mime = content_type.substr(0, content_type.find(';'));
    while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
    return std::string(mime);
  }
  static boost::json::array keys_of(const boost::json::object& object) {
    boost::json::array keys;
    for (const auto& [key, value] : object) keys.emplace_back(key);
    return keys;
  }
  static std::vector<std::string> segments(std::string_view path) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (begin <= path.size()) {
      std::size_t end = path.find('/', begin);
      if (end == std::string_view::npos) end = path.size();
      if (end > begin) out.emplace_back(path.substr(begin, end - begin));
      begin = end + 1;
    }
    return out;
  }
  static bool is_method(std::string_view key) {
    static constexpr std::array<std::string_view, 7> kMethods{"get",   "put",  "post",   "delete",
                                                              "patch", "head", "options"};
    return std::find(kMethods.begin(), kMethods.end(), key) != kMethods.end();
  }
  static std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return out;
  }
  static std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
  }

  boost::json::object document_;
};

}  // namespace ektp::test
