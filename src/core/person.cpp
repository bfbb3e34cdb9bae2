#include "core/person.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "core/limits.h"

namespace ektp {

namespace {

template <class Enum, std::size_t N>
struct Vocabulary {
  std::array<std::string_view, N> ids;
  std::string_view what;

  std::string_view id(Enum value) const { return ids[static_cast<std::size_t>(value)]; }
  Result<Enum> parse(std::string_view text) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (ids[i] == text) return static_cast<Enum>(i);
    }
    std::string allowed;
    for (auto name : ids) allowed += fmt::format("{}{}", allowed.empty() ? "" : ", ", name);
    return invalid_argument(fmt::format("{} '{}' is not one of: {}", what, text.substr(0, 40), allowed));
  }
};

constexpr Vocabulary<Religion, 7> kReligions{
    {"islam", "kristen", "katolik", "hindu", "buddha", "khonghucu", "kepercayaan"}, "religion"};
constexpr Vocabulary<MaritalStatus, 4> kMaritalStatuses{
    {"belum_kawin", "kawin", "cerai_hidup", "cerai_mati"}, "marital_status"};
constexpr std::array<std::string_view, 4> kMaritalLabels{"Belum Kawin", "Kawin", "Cerai Hidup",
                                                         "Cerai Mati"};
constexpr Vocabulary<BloodType, 5> kBloodTypes{{"A", "B", "AB", "O", "-"}, "blood_type"};
constexpr Vocabulary<Citizenship, 2> kCitizenships{{"WNI", "WNA"}, "citizenship"};
constexpr Vocabulary<FamilyRelation, 10> kRelations{
    {"kepala_keluarga", "suami", "istri", "anak", "menantu", "cucu", "orang_tua", "mertua",
     "famili_lain", "lainnya"},
    "relation"};
constexpr std::array<std::string_view, 10> kRelationLabels{
    "Kepala Keluarga", "Suami", "Istri", "Anak", "Menantu", "Cucu", "Orang Tua", "Mertua",
    "Famili Lain", "Lainnya"};
constexpr Vocabulary<Education, 10> kEducations{
    {"tidak_sekolah", "belum_tamat_sd", "sd", "smp", "sma", "d1", "d3", "s1", "s2", "s3"},
    "education"};

// Decodes one UTF-8 sequence at text[i]; returns its length or 0 if invalid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i, char32_t& code_point) {
  auto byte = static_cast<unsigned char>(text[i]);
  std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xe ? 3
                                   : (byte >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  code_point = length == 1 ? byte : byte & (0xff >> (length + 1));
  for (std::size_t k = 1; k < length; ++k) {
    auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (next & 0x3f);
  }
  static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kMinimum[length] || code_point > 0x10ffff ||
      (code_point >= 0xd800 && code_point <= 0xdfff)) {
    return 0;
  }
  return length;
}

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029; }

// Characters that change how text around them is shown or compared without showing themselves:
// bidirectional overrides and isolates (a name that reads differently than it is stored), zero-width
// spaces and joiners, the byte-order mark, soft hyphen, and the Unicode "tag" and variation ranges.
bool is_invisible_or_bidi(char32_t c) {
  return c == 0xad || c == 0x34f || c == 0x61c || c == 0x180e || (c >= 0x200b && c <= 0x200f) ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || c == 0xfeff ||
         (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0000 && c <= 0xe007f);
}

}  // namespace

std::string_view religion_id(Religion value) { return kReligions.id(value); }
std::string_view marital_status_id(MaritalStatus value) { return kMaritalStatuses.id(value); }
std::string_view marital_status_label(MaritalStatus value) {
  return kMaritalLabels[static_cast<std::size_t>(value)];
}
std::string_view blood_type_id(BloodType value) { return kBloodTypes.id(value); }
std::string_view citizenship_id(Citizenship value) { return kCitizenships.id(value); }
std::string_view family_relation_id(FamilyRelation value) { return kRelations.id(value); }
std::string_view family_relation_label(FamilyRelation value) {
  return kRelationLabels[static_cast<std::size_t>(value)];
}
std::string_view education_id(Education value) { return kEducations.id(value); }
Result<Religion> parse_religion(std::string_view id) { return kReligions.parse(id); }
Result<MaritalStatus> parse_marital_status(std::string_view id) { return kMaritalStatuses.parse(id); }
Result<BloodType> parse_blood_type(std::string_view id) { return kBloodTypes.parse(id); }
Result<Citizenship> parse_citizenship(std::string_view id) { return kCitizenships.parse(id); }
Result<FamilyRelation> parse_family_relation(std::string_view id) { return kRelations.parse(id); }
Result<Education> parse_education(std::string_view id) { return kEducations.parse(id); }

Status validate_text(std::string_view field, std::string_view text, std::size_t bytes_max,
                     bool required) {
  if (text.empty()) {
    if (required) return invalid_argument(fmt::format("{}: is required", field));
    return {};
  }
  if (text.size() > bytes_max) {
    return invalid_argument(fmt::format("{}: {} bytes is longer than the limit of {}", field,
                                        text.size(), bytes_max));
  }
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    auto length = utf8_sequence_length(text, i, c);
    if (length == 0) return invalid_argument(fmt::format("{}: byte {} is not valid UTF-8", field, i + 1));
    if (is_control(c)) {
      return invalid_argument(fmt::format("{}: contains a control character at byte {}", field, i + 1));
    }
    if (is_invisible_or_bidi(c)) {
      return invalid_argument(fmt::format("{}: contains an invisible or text-direction character (U+{:04X}) at byte {}",
                                          field, static_cast<std::uint32_t>(c), i + 1));
    }
    i += length;
  }
  if (text.front() == ' ' || text.back() == ' ') {
    return invalid_argument(fmt::format("{}: must not start or end with a space", field));
  }
  return {};
}

Status validate_person_name(std::string_view field, std::string_view name) {
  if (auto s = validate_text(field, name, limits::name_bytes_max, true); !s) return s;
  for (std::size_t i = 0; i < name.size();) {
    char32_t c = 0;
    auto length = utf8_sequence_length(name, i, c);
    bool ascii_letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    bool punctuation = c == ' ' || c == '.' || c == ',' || c == '\'' || c == '-';
    bool non_ascii_letter = c >= 0xc0 && c != 0xd7 && c != 0xf7;  // Latin letters with accents and beyond
    if (!ascii_letter && !punctuation && !non_ascii_letter) {
      return invalid_argument(fmt::format("{}: character '{}' at byte {} is not allowed in a name",
                                          field, name.substr(i, length), i + 1));
    }
    i += length;
  }
  if (name.find("  ") != std::string_view::npos) {
    return invalid_argument(fmt::format("{}: contains two spaces in a row", field));
  }
  return {};
}

Result<std::string> normalize_rt_rw(std::string_view field, std::string_view text) {
  if (text.empty() || text.size() > 3 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return invalid_argument(fmt::format("{}: '{}' must be 1 to 3 digits", field, text.substr(0, 10)));
  }
  int number = std::stoi(std::string(text));
  if (number == 0) return invalid_argument(fmt::format("{}: 000 is not a neighbourhood", field));
  return fmt::format("{:03d}", number);
}

std::string name_key(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  bool pending_space = false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u) && u < 0x80) {
      if (pending_space && !key.empty()) key.push_back(' ');
      pending_space = false;
      key.push_back(static_cast<char>(std::toupper(u)));
    } else if (u >= 0x80) {
      if (pending_space && !key.empty()) key.push_back(' ');
      pending_space = false;
      key.push_back(c);
    } else {
      pending_space = true;  // spaces, dots, hyphens and apostrophes all separate words
    }
  }
  return key;
}

}  // namespace ektp
