#include "store/dialect.h"

#include <array>
#include <cctype>
#include <cstring>
#include <vector>

namespace ektp::store::detail {
namespace {

struct Token {
  std::string_view name;
  std::string_view sqlite;
  std::string_view postgres;
};

constexpr std::array<Token, 3> kTokens = {{
    {"{BLOB}", "BLOB", "BYTEA"},
    {"{ID}", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"},
    {"{NOW_MS}", "CAST((julianday('now')-2440587.5)*86400000 AS INTEGER)",
     "(EXTRACT(EPOCH FROM clock_timestamp())*1000)::BIGINT"},
}};

bool word_at(std::string_view sql, std::size_t at, std::string_view word) {
  if (sql.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(sql[at + i])) != word[i]) return false;
  }
  std::size_t end = at + word.size();
  return end == sql.size() ||
         !(std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_');
}

std::size_t skip_spaces(std::string_view sql, std::size_t at) {
  while (at < sql.size() && std::isspace(static_cast<unsigned char>(sql[at]))) ++at;
  return at;
}

// Length of the "FOR UPDATE [NOWAIT | SKIP LOCKED]" clause starting at `at`, or 0.
std::size_t for_update_length(std::string_view sql, std::size_t at) {
  if (!word_at(sql, at, "FOR")) return 0;
  std::size_t next = skip_spaces(sql, at + 3);
  if (next == at + 3 || !word_at(sql, next, "UPDATE")) return 0;
  std::size_t end = next + 6;
  std::size_t after = skip_spaces(sql, end);
  if (word_at(sql, after, "NOWAIT")) return after + 6 - at;
  if (word_at(sql, after, "SKIP")) {
    std::size_t locked = skip_spaces(sql, after + 4);
    if (word_at(sql, locked, "LOCKED")) return locked + 6 - at;
  }
  return end - at;
}

}  // namespace

std::string expand_tokens(std::string_view sql, Backend backend) {
  std::string out;
  out.reserve(sql.size() + 32);
  std::size_t at = 0;
  while (at < sql.size()) {
    std::size_t brace = sql.find('{', at);
    if (brace == std::string_view::npos) break;
    out.append(sql.substr(at, brace - at));
    bool replaced = false;
    for (const Token& token : kTokens) {
      if (sql.substr(brace, token.name.size()) == token.name) {
        out.append(backend == Backend::kSQLite ? token.sqlite : token.postgres);
        at = brace + token.name.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out.push_back('{');
      at = brace + 1;
    }
  }
  if (at < sql.size()) out.append(sql.substr(at));
  return out;
}

std::string strip_for_update(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t at = 0; at < sql.size(); ++at) {
    char c = sql[at];
    if (quote != 0) {
      if (c == quote) quote = 0;
      out.push_back(c);
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    bool word_start = at > 0 && std::isspace(static_cast<unsigned char>(sql[at - 1]));
    if (word_start) {
      if (std::size_t length = for_update_length(sql, at); length > 0) {
        while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
        at += length - 1;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

Status check_placeholders(std::string_view sql, std::size_t param_count) {
  std::vector<bool> used(param_count, false);
  char quote = 0;
  for (std::size_t at = 0; at < sql.size(); ++at) {
    char c = sql[at];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (c != '$' || at + 1 >= sql.size() ||
        !std::isdigit(static_cast<unsigned char>(sql[at + 1]))) {
      continue;
    }
    std::size_t number = 0;
    while (at + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[at + 1])) &&
           number <= param_count) {
      number = number * 10 + static_cast<std::size_t>(sql[++at] - '0');
    }
    if (number == 0 || number > param_count) {
      return invalid_argument("statement uses $" + std::to_string(number) + " but " +
                              std::to_string(param_count) + " parameters were given");
    }
    used[number - 1] = true;
  }
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (!used[i]) return invalid_argument("parameter $" + std::to_string(i + 1) + " is not used");
  }
  return {};
}

bool contains_nul(std::string_view text) {
  return std::memchr(text.data(), 0, text.size()) != nullptr;
}

}  // namespace ektp::store::detail
