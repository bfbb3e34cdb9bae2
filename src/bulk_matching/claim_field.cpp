#include "bulk_matching/claim_field.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "bulk_matching/byte_input.h"
#include "core/limits.h"
#include "core/person.h"

namespace ektp::bulk {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// The core validators prefix their message with "<field>: "; the caller here names the column.
std::unexpected<Error> without_field(const Error& error, std::string_view field) {
  std::string message = error.message;
  if (message.starts_with(field) && message.size() > field.size() + 2) {
    message.erase(0, field.size() + 2);
  }
  return invalid_argument(std::move(message));
}

unsigned number_of(std::string_view digits) {
  unsigned v = 0;
  for (const char c : digits) v = v * 10 + static_cast<unsigned>(c - '0');
  return v;
}

}  // namespace

bool is_blank(std::string_view cell) { return std::all_of(cell.begin(), cell.end(), is_space); }

void normalize_spaces(std::string_view text, std::string& out) {
  out.clear();
  text = trim(text);
  bool pending_space = false;
  for (const char c : text) {
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
}

std::string shown_value(std::string_view value) {
  constexpr std::size_t kShownBytes = 40;
  std::string out = "'";
  std::size_t i = 0;
  while (i < value.size() && out.size() < kShownBytes + 1) {
    const std::size_t length = utf8_sequence_bytes(value, i);
    const auto byte = static_cast<unsigned char>(value[i]);
    if (length == 0 || byte < 0x20 || byte == 0x7F) {
      out.push_back('?');
      ++i;
      continue;
    }
    out.append(value.substr(i, length));
    i += length;
  }
  if (i < value.size()) out += "…";
  out.push_back('\'');
  return out;
}

Result<CivilDate> parse_claim_date(std::string_view cell, CivilDate today) {
  const std::string_view text = trim(cell);
  // Split into three runs of digits joined by one separator kind.
  std::array<std::string_view, 3> parts;
  std::size_t count = 0;
  char separator = 0;
  std::size_t start = 0;
  bool shape_ok = !text.empty();
  for (std::size_t i = 0; shape_ok && i <= text.size(); ++i) {
    if (i < text.size() && text[i] >= '0' && text[i] <= '9') continue;
    if (i < text.size()) {
      const char c = text[i];
      if (c != '-' && c != '/' && c != '.') {
        shape_ok = false;
        break;
      }
      if (separator != 0 && c != separator) {
        shape_ok = false;
        break;
      }
      separator = c;
    }
    if (count == 3 || i == start) {
      shape_ok = false;
      break;
    }
    parts[count++] = text.substr(start, i - start);
    start = i + 1;
  }
  const auto shown = [&] { return shown_value(text); };  // only for a message: it allocates
  if (!shape_ok || count != 3) {
    return invalid_argument(
        fmt::format("{} is not a date; write YYYY-MM-DD or DD-MM-YYYY", shown()));
  }
  unsigned d = 0;
  unsigned m = 0;
  unsigned y = 0;
  if (parts[0].size() == 4 && parts[1].size() <= 2 && parts[2].size() <= 2) {
    y = number_of(parts[0]);
    m = number_of(parts[1]);
    d = number_of(parts[2]);
  } else if (parts[2].size() == 4 && parts[0].size() <= 2 && parts[1].size() <= 2) {
    d = number_of(parts[0]);
    m = number_of(parts[1]);
    y = number_of(parts[2]);
  } else {
    return invalid_argument(fmt::format(
        "{} is not a date; write YYYY-MM-DD or DD-MM-YYYY with a four-digit year", shown()));
  }
  if (m < 1 || m > 12) {
    return invalid_argument(fmt::format("{} is not a date: no month {}", shown(), m));
  }
  const CivilDate date{std::chrono::year{static_cast<int>(y)}, std::chrono::month{m},
                       std::chrono::day{d}};
  if (!date.ok()) {
    return invalid_argument(
        fmt::format("{} is not a date: month {} of {} has no day {}", shown(), m, y, d));
  }
  if (y < 1850) return invalid_argument(fmt::format("{} is before 1850", shown()));
  if (date > today) return invalid_argument(fmt::format("{} is in the future", shown()));
  return date;
}

Result<Sex> parse_claim_sex(std::string_view cell) {
  const std::string_view text = trim(cell);
  std::string upper;
  if (text.size() <= 16) {
    for (const char c : text) upper.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  }
  static constexpr std::array<std::string_view, 7> kMale = {"L", "M", "LK", "LAKI-LAKI",
                                                             "LAKI LAKI", "LAKI", "PRIA"};
  static constexpr std::array<std::string_view, 5> kFemale = {"P", "F", "PR", "PEREMPUAN",
                                                               "WANITA"};
  if (std::find(kMale.begin(), kMale.end(), upper) != kMale.end()) return Sex::kMale;
  if (std::find(kFemale.begin(), kFemale.end(), upper) != kFemale.end()) return Sex::kFemale;
  return invalid_argument(fmt::format(
      "{} is not a sex; write L or P (also M/F, LAKI-LAKI/PEREMPUAN)", shown_value(text)));
}

Result<std::string> parse_claim_nik(std::string_view cell, const RegionDirectory& regions,
                                    CivilDate today) {
  std::string_view text = trim(cell);
  if (text.starts_with('\'')) text.remove_prefix(1);
  if (text.size() < 16 && text.find_first_of("eE") != std::string_view::npos &&
      text.find_first_of(".,+") != std::string_view::npos) {
    return invalid_argument(fmt::format(
        "{} is a spreadsheet number, not a NIK: the spreadsheet dropped digits; format the column "
        "as text and export again",
        shown_value(text)));
  }
  auto parts = parse_nik(text, regions, today);
  if (!parts) return std::unexpected(parts.error());
  return std::move(parts->nik);
}

Result<std::string> parse_claim_name(std::string_view cell) {
  std::string name;
  normalize_spaces(cell, name);
  if (auto ok = validate_person_name("name", name); !ok) return without_field(ok.error(), "name");
  return name;
}

Result<std::string> parse_claim_text(std::string_view cell, std::size_t bytes_max) {
  std::string text;
  normalize_spaces(cell, text);
  if (auto ok = validate_text("text", text, bytes_max, true); !ok) {
    return without_field(ok.error(), "text");
  }
  return text;
}

Result<std::string> parse_claim_village_code(std::string_view cell,
                                             const RegionDirectory& regions) {
  const std::string_view text = trim(cell);
  if (text.size() != 10 || !all_digits(text)) {
    return invalid_argument(
        fmt::format("{} is not a village code of 10 digits", shown_value(text)));
  }
  const Region* region = regions.find(text);
  if (region == nullptr || region->level != RegionLevel::kVillage) {
    return invalid_argument(fmt::format("{} is not a village in the region directory", text));
  }
  return std::string(text);
}

Result<std::string> parse_claim_row_id(std::string_view cell, std::size_t bytes_max) {
  const std::string_view text = trim(cell);
  if (text.empty()) return invalid_argument("row_id is blank; every row needs its own key");
  if (auto ok = validate_text("row_id", text, bytes_max, true); !ok) {
    return without_field(ok.error(), "row_id");
  }
  return std::string(text);
}

}  // namespace ektp::bulk
