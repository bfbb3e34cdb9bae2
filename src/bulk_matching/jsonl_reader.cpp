#include "bulk_matching/jsonl_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace ektp::bulk {
namespace {

using ParsedMember = JsonlReader::ParsedMember;


// A strict parser for one flat object; the first fault ends it with a message naming the byte.
class FlatObjectParser {
 public:
  FlatObjectParser(std::string_view text, std::string& out, const CsvLimits& limits,
                   std::vector<ParsedMember>& members)
      : text_(text), out_(out), limits_(limits), members_(members) {}

  std::optional<std::string> parse() {
    skip_space();
    if (!consume('{')) return fault("a line must hold one JSON object, starting with '{'");
    skip_space();
    if (consume('}')) return finish();
    while (true) {
      if (members_.size() >= limits_.fields_max) {
        return fault(fmt::format("the object has more than the limit of {} members",
                                 limits_.fields_max));
      }
      ParsedMember member;
      skip_space();
      if (peek() != '"') return fault("expected a key in double quotes");
      if (auto e = string(member.key_offset, member.key_size)) return e;
      skip_space();
      if (!consume(':')) return fault("expected ':' after the key");
      skip_space();
      if (auto e = value(member)) return e;
      members_.push_back(member);
      skip_space();
      if (consume(',')) continue;
      if (consume('}')) return finish();
      return fault("expected ',' or '}' after a value");
    }
  }

 private:
  std::optional<std::string> finish() {
    skip_space();
    if (i_ != text_.size()) return fault("text after the end of the object");
    return std::nullopt;
  }

  std::string fault(std::string_view what) const {
    return fmt::format("byte {} of the line: {}", std::min(i_ + 1, text_.size() + 1), what);
  }

  char peek() const { return i_ < text_.size() ? text_[i_] : '\0'; }
  bool consume(char c) {
    if (i_ < text_.size() && text_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void skip_space() {
    while (i_ < text_.size() &&
           (text_[i_] == ' ' || text_[i_] == '\t' || text_[i_] == '\r' || text_[i_] == '\n')) {
      ++i_;
    }
  }

  std::optional<unsigned> hex4() {
    if (i_ + 4 > text_.size()) return std::nullopt;
    unsigned v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char h = text_[i_ + k];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<unsigned>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<unsigned>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<unsigned>(h - 'A' + 10);
      } else {
        return std::nullopt;
      }
    }
    i_ += 4;
    return v;
  }

  std::optional<std::string> string(std::size_t& offset, std::size_t& size) {
    ++i_;  // the opening quote
    offset = out_.size();
    while (true) {
      std::size_t j = i_;
      while (j < text_.size() && text_[j] != '"' && text_[j] != '\\' &&
             static_cast<unsigned char>(text_[j]) >= 0x20) {
        ++j;
      }
      out_.append(text_.data() + i_, j - i_);
      i_ = j;
      if (out_.size() - offset > limits_.field_bytes_max) {
        return fault(fmt::format("a string is longer than the limit of {} bytes",
                                 limits_.field_bytes_max));
      }
      if (i_ >= text_.size()) return fault("the string is never closed");
      const char c = text_[i_];
      if (c == '"') {
        ++i_;
        size = out_.size() - offset;
        return std::nullopt;
      }
      if (c != '\\') {
        return fault(c == '\0' ? "NUL byte (0x00) in a string"
                               : "a control character in a string must be escaped");
      }
      ++i_;
      if (i_ >= text_.size()) return fault("the string is never closed");
      const char e = text_[i_++];
      switch (e) {
        case '"': out_.push_back('"'); break;
        case '\\': out_.push_back('\\'); break;
        case '/': out_.push_back('/'); break;
        case 'b': out_.push_back('\b'); break;
        case 'f': out_.push_back('\f'); break;
        case 'n': out_.push_back('\n'); break;
        case 'r': out_.push_back('\r'); break;
        case 't': out_.push_back('\t'); break;
        case 'u': {
          const auto unit = hex4();
          if (!unit) return fault("\\u must be followed by four hex digits");
          char32_t code = *unit;
          if (code >= 0xDC00 && code <= 0xDFFF) return fault("a lone low surrogate in \\u escape");
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (!(consume('\\') && consume('u'))) return fault("a high surrogate without its pair");
            const auto low = hex4();
            if (!low || *low < 0xDC00 || *low > 0xDFFF) {
              return fault("a high surrogate without its pair");
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
          }
          if (code == 0) return fault("NUL (\\u0000) in a string");
          append_utf8(out_, code);
          break;
        }
        default:
          return fault(fmt::format("'\\{}' is not a JSON escape",
                                   static_cast<unsigned char>(e) < 0x20 ? '?' : e));
      }
    }
  }

  std::optional<std::string> value(ParsedMember& member) {
    const char c = peek();
    if (c == '"') {
      member.kind = JsonValueKind::kString;
      return string(member.value_offset, member.value_size);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      member.kind = JsonValueKind::kNumber;
      const std::size_t start = i_;
      consume('-');
      if (consume('0')) {
      } else if (peek() >= '1' && peek() <= '9') {
        while (peek() >= '0' && peek() <= '9') ++i_;
      } else {
        return fault("a number needs digits");
      }
      if (consume('.')) {
        if (!(peek() >= '0' && peek() <= '9')) return fault("a number needs digits after '.'");
        while (peek() >= '0' && peek() <= '9') ++i_;
      }
      if (consume('e') || consume('E')) {
        if (!consume('+')) consume('-');
        if (!(peek() >= '0' && peek() <= '9')) return fault("a number needs an exponent");
        while (peek() >= '0' && peek() <= '9') ++i_;
      }
      if (i_ - start > limits_.field_bytes_max) return fault("a number is too long");
      member.value_offset = out_.size();
      out_.append(text_.substr(start, i_ - start));
      member.value_size = i_ - start;
      return std::nullopt;
    }
    if (text_.substr(i_).starts_with("null")) {
      i_ += 4;
      member.kind = JsonValueKind::kNull;
      member.value_offset = out_.size();
      member.value_size = 0;
      return std::nullopt;
    }
    if (text_.substr(i_).starts_with("true") || text_.substr(i_).starts_with("false")) {
      return fault("true and false are not accepted; give the value as a string");
    }
    if (c == '{' || c == '[') return fault("nested objects and arrays are not accepted");
    return fault("expected a value (a string, a number or null)");
  }

  std::string_view text_;
  std::string& out_;
  const CsvLimits& limits_;
  std::vector<ParsedMember>& members_;
  std::size_t i_ = 0;
};

}  // namespace

JsonlReader::JsonlReader(DecodedInput input, CsvLimits limits)
    : input_(std::move(input)), limits_(limits) {
  line_.reserve(limits_.record_bytes_max + 16);
  decoded_.reserve(limits_.record_bytes_max + 16);
}

void JsonlReader::parse_line() {
  record_.line = line_number_;
  record_.members.clear();
  record_.valid = true;
  record_.fault = RecordFault::kNone;
  record_.error.clear();
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_overflow_) {
    record_.valid = false;
    record_.fault = RecordFault::kRecordTooLong;
    record_.error = fmt::format("the line is longer than the limit of {} bytes",
                                limits_.record_bytes_max);
    return;
  }
  if (input_.encoding() == TextEncoding::kUtf8) {
    if (const std::size_t bad = first_invalid_utf8(line_); bad != std::string_view::npos) {
      record_.valid = false;
      record_.fault = RecordFault::kInvalidUtf8;
      record_.error = fmt::format("byte {} of the line (0x{:02X}) is not valid UTF-8", bad + 1,
                                  static_cast<unsigned char>(line_[bad]));
      return;
    }
  }
  decoded_.clear();
  parsed_.clear();
  FlatObjectParser parser(line_, decoded_, limits_, parsed_);
  if (auto error = parser.parse()) {
    record_.valid = false;
    record_.fault = RecordFault::kJsonSyntax;
    record_.error = std::move(*error);
    return;
  }
  for (const ParsedMember& m : parsed_) {
    const std::string_view key(decoded_.data() + m.key_offset, m.key_size);
    for (const JsonMember& earlier : record_.members) {
      if (earlier.key == key) {
        record_.valid = false;
        record_.fault = RecordFault::kDuplicateKey;
        record_.error = fmt::format("the key \"{}\" appears twice", key.substr(0, 64));
        record_.members.clear();
        return;
      }
    }
    record_.members.push_back(
        JsonMember{key, std::string_view(decoded_.data() + m.value_offset, m.value_size), m.kind});
  }
}

Result<bool> JsonlReader::next() {
  if (!started_) {
    EKTP_RETURN_IF_ERROR(input_.start());
    started_ = true;
  }
  while (!ended_) {
    line_.clear();
    line_overflow_ = false;
    bool have_line = false;
    bool saw_any = false;
    while (!have_line) {
      if (pos_ >= chunk_.size()) {
        EKTP_ASSIGN_OR_RETURN(chunk_, input_.next_chunk());
        pos_ = 0;
        if (chunk_.empty()) {
          ended_ = true;
          break;
        }
      }
      const std::size_t lf = chunk_.find('\n', pos_);
      const std::size_t end = lf == std::string_view::npos ? chunk_.size() : lf;
      const std::size_t n = end - pos_;
      saw_any = saw_any || n > 0 || lf != std::string_view::npos;
      if (!line_overflow_) {
        if (line_.size() + n > limits_.record_bytes_max + 1) {  // +1: a CR before the LF
          line_overflow_ = true;
        } else {
          line_.append(chunk_.data() + pos_, n);
        }
      }
      pos_ = end;
      if (lf != std::string_view::npos) {
        ++pos_;
        have_line = true;
      }
    }
    if (!saw_any) return false;
    ++line_number_;
    const bool blank = !line_overflow_ && std::all_of(line_.begin(), line_.end(), [](char c) {
      return c == ' ' || c == '\t' || c == '\r';
    });
    if (blank) continue;
    parse_line();
    return true;
  }
  return false;
}

}  // namespace ektp::bulk
