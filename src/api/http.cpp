#include "api/http.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <future>

#include <boost/json/stream_parser.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "core/limits.h"

namespace ektp::api {
namespace {

// Path segments without empty ones, so "/api/v1/health/" and "/api/v1/health" route alike.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    if (end > begin) segments.push_back(path.substr(begin, end - begin));
    begin = end + 1;
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() >= 3 && segment.front() == '{' && segment.back() == '}';
}

// True when `pattern` matches `path`; fills `params` ({name} → segment) when given.
bool segments_match(const std::vector<std::string>& pattern,
                    const std::vector<std::string_view>& path,
                    std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!is_parameter(pattern[i]) && pattern[i] != path[i]) return false;
  }
  if (params != nullptr) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (is_parameter(pattern[i])) {
        (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = std::string(path[i]);
      }
    }
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the UTF-8 sequence starting at body[i], or 0 when it is not valid UTF-8 (overlong
// forms, surrogates and code points past U+10FFFF are invalid, as in RFC 3629).
std::size_t utf8_sequence_length(std::string_view body, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(body[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // overlong
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // overlong
    if (lead == 0xF4) second_max = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (i + length > body.size()) return 0;
  if (byte(i + 1) < second_min || byte(i + 1) > second_max) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

// One pass over the bytes before Boost.JSON sees them: rejects invalid UTF-8 and nesting deeper
// than limits::json_depth_max, so a 10,000-deep body is refused after reading ~33 bytes of it.
// Brackets inside strings (including after escapes) do not count.
Status prescan_json(std::string_view body) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const std::size_t length = utf8_sequence_length(body, i);
      if (length == 0) {
        return invalid_argument(fmt::format("JSON body is not valid UTF-8 at byte {}", i));
      }
      i += length - 1;
      escaped = false;
      continue;
    }
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limits::json_depth_max) {
        return invalid_argument(fmt::format("JSON nests deeper than {} levels (at byte {})",
                                            limits::json_depth_max, i));
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return {};
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  std::vector<std::string> segments;
  for (std::string_view segment : split_path(pattern)) segments.emplace_back(segment);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

const Handler* Router::match(HttpRequest& request, bool& method_allowed) const {
  const std::vector<std::string_view> path = split_path(request.path);
  bool path_known = false;
  for (const Route& route : routes_) {
    if (!segments_match(route.segments, path, nullptr)) continue;
    if (route.method == request.method) {
      request.path_params.clear();
      segments_match(route.segments, path, &request.path_params);
      method_allowed = true;
      return &route.handler;
    }
    path_known = true;
  }
  method_allowed = !path_known;
  return nullptr;
}

std::vector<std::string> Router::allowed_methods(std::string_view path) const {
  const std::vector<std::string_view> segments = split_path(path);
  std::vector<std::string> methods;
  for (const Route& route : routes_) {
    if (segments_match(route.segments, segments, nullptr)) methods.push_back(route.method);
  }
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  return methods;
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) out.emplace_back(route.method, route.pattern);
  return out;
}

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kAborted: return 409;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kDataLoss: return 500;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

int http_status_for(const Error& error) {
  if (error.code == ErrorCode::kResourceExhausted &&
      (error.message.starts_with("payload") || error.message.starts_with("Payload") ||
       error.message.find("too large") != std::string::npos)) {
    return 413;
  }
  return http_status_for(error.code);
}

ResponseRelease::ResponseRelease(Send send) : send_(std::move(send)) {}

void ResponseRelease::operator()(Status status) const { send_(std::move(status), std::nullopt); }

void ResponseRelease::operator()(HttpResponse answer) const { send_(Status(), std::move(answer)); }

HttpResponse settle(HttpResponse response) {
  if (!response.gate) return response;
  ResponseGate gate = std::move(response.gate);
  response.gate = nullptr;
  std::promise<std::pair<Status, std::optional<HttpResponse>>> released;
  auto outcome = released.get_future();
  gate(ResponseRelease([&released](Status status, std::optional<HttpResponse> answer) {
    released.set_value({std::move(status), std::move(answer)});
  }));
  auto [status, answer] = outcome.get();
  if (!status) return error_response(status.error());
  return answer ? std::move(*answer) : std::move(response);
}

HttpResponse error_response(const Error& error) {
  auto response = error_response(http_status_for(error), error_code_name(error.code), error.message);
  if (!error.reason.empty()) {
    // {"error":{"code","message","reason"}}: the reason names which rule refused.
    boost::json::object inner{{"code", error_code_name(error.code)}, {"message", error.message},
                              {"reason", error.reason}};
    response.body = boost::json::serialize(boost::json::object{{"error", std::move(inner)}});
  }
  return response;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  boost::json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  boost::json::object outer;
  outer["error"] = std::move(inner);
  return json_response(outer, status);
}

HttpResponse json_response(const boost::json::value& body, int status) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = boost::json::serialize(body);
  return response;
}

Result<boost::json::value> parse_json_body(std::string_view body) {
  if (body.size() > limits::request_body_bytes_max) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("JSON body is too large: {} bytes, the limit is {} bytes",
                                  body.size(), limits::request_body_bytes_max));
  }
  if (Status scanned = prescan_json(body); !scanned) return std::unexpected(scanned.error());
  try {
    boost::json::parse_options options;
    options.max_depth = limits::json_depth_max;
    boost::json::stream_parser parser(boost::json::storage_ptr(), options);
    boost::system::error_code ec;
    const std::size_t consumed = parser.write_some(body.data(), body.size(), ec);
    if (ec) {
      return invalid_argument(
          fmt::format("JSON body is invalid at byte {}: {}", consumed, ec.message()));
    }
    // A bare number is complete only at the end of input; anything else unfinished is cut off.
    if (!parser.done()) parser.finish(ec);
    if (ec || !parser.done()) {
      return invalid_argument(fmt::format("JSON body is truncated at byte {}", body.size()));
    }
    // write_some stops after one complete value; only whitespace may follow it.
    const std::size_t rest = body.find_first_not_of(" \t\r\n", consumed);
    if (rest != std::string_view::npos) {
      return invalid_argument(fmt::format(
          "JSON body has extra data after the value at byte {}", rest));
    }
    return parser.release();
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, "out of memory parsing the JSON body");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, fmt::format("JSON parser failed: {}", e.what()));
  }
}

namespace {

// `path_segments`: an encoded slash or backslash is refused, since it would be a separator to
// whoever decodes again after routing.
Result<std::string> decode_percent(std::string_view text, bool plus_is_space, bool path_segments) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      decoded.push_back(' ');
    } else if (c == '%') {
      const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return invalid_argument(fmt::format("invalid percent-encoding at byte {}", i));
      }
      const char byte = static_cast<char>(high * 16 + low);
      if (byte == '\0') {
        return invalid_argument(fmt::format("encoded NUL at byte {} is not allowed", i));
      }
      if (path_segments && (byte == '/' || byte == '\\')) {
        return invalid_argument(
            fmt::format("encoded {} at byte {}", byte == '/' ? std::string("'/'") : std::string("backslash"), i));
      }
      decoded.push_back(byte);
      i += 2;
    } else if (c == '\0') {
      return invalid_argument(fmt::format("NUL at byte {} is not allowed", i));
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  return decode_percent(text, plus_is_space, false);
}

Status parse_request_target(HttpRequest& request) {
  const std::string_view target = request.target;
  if (target.empty() || target.front() != '/') {
    return invalid_argument("request target must be a path starting with '/'");
  }
  const std::size_t question = target.find('?');
  Result<std::string> path = decode_percent(target.substr(0, question), false, true);
  if (!path) return invalid_argument("bad request path: " + path.error().message);
  request.path = std::move(*path);
  request.query.clear();
  if (question == std::string_view::npos) return {};
  std::string_view query = target.substr(question + 1);
  const std::size_t fragment = query.find('#');
  if (fragment != std::string_view::npos) query = query.substr(0, fragment);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    Result<std::string> key = percent_decode(pair.substr(0, equals), true);
    Result<std::string> value = percent_decode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (!key) return invalid_argument("bad query parameter: " + key.error().message);
    if (!value) return invalid_argument("bad query parameter: " + value.error().message);
    request.query.try_emplace(std::move(*key), std::move(*value));
  }
  return {};
}

}  // namespace ektp::api
