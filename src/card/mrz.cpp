#include "card/mrz.h"

#include <fmt/format.h>

namespace ektp::card {

namespace {

constexpr std::size_t kDocumentNumberField = 9;
constexpr std::size_t kDocumentNumberMax = 22;  // 9 in the field, the rest in the optional data
constexpr std::size_t kOptional1 = 15;
constexpr std::size_t kOptional2 = 11;

int mrz_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c == '<') return 0;
  return -1;
}

Status check_chars(std::string_view what, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (mrz_value(text[i]) < 0) {
      return invalid_argument(fmt::format("{}: character {} ('{}') is not A-Z, 0-9 or '<'", what, i + 1,
                                          text[i] == '\0' ? ' ' : text[i]));
    }
  }
  return {};
}

std::string filled(std::string_view text, std::size_t width) {
  std::string out(text.substr(0, width));
  out.resize(width, '<');
  return out;
}

Status check_date(std::string_view what, CivilDate d) {
  if (!d.ok() || d.year() < std::chrono::year{1900} || d.year() > std::chrono::year{2099}) {
    return invalid_argument(fmt::format("{}: a date from 1900 to 2099", what));
  }
  return {};
}

std::string_view trim_fillers(std::string_view s) {
  while (!s.empty() && s.back() == '<') s.remove_suffix(1);
  return s;
}

// "YYMMDD" with its digits checked; the century chosen by the caller.
Result<std::chrono::year_month_day> parse_mrz_date(std::string_view yymmdd, int century, std::string_view where) {
  for (char c : yymmdd) {
    if (c < '0' || c > '9') return invalid_argument(fmt::format("{}: the date '{}' is not YYMMDD", where, yymmdd));
  }
  const int yy = (yymmdd[0] - '0') * 10 + (yymmdd[1] - '0');
  const unsigned mm = static_cast<unsigned>((yymmdd[2] - '0') * 10 + (yymmdd[3] - '0'));
  const unsigned dd = static_cast<unsigned>((yymmdd[4] - '0') * 10 + (yymmdd[5] - '0'));
  const CivilDate d{std::chrono::year{century + yy}, std::chrono::month{mm}, std::chrono::day{dd}};
  if (!d.ok()) return invalid_argument(fmt::format("{}: '{}' is not a date", where, yymmdd));
  return d;
}

Status expect_check(std::string_view field, char digit, std::string_view where) {
  EKTP_ASSIGN_OR_RETURN(auto want, mrz_check_digit(field));
  if (digit != want) {
    return invalid_argument(fmt::format("{}: check digit is {}, not {}", where, digit, want));
  }
  return {};
}

}  // namespace

Result<char> mrz_check_digit(std::string_view field) {
  static constexpr int kWeights[3] = {7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const int v = mrz_value(field[i]);
    if (v < 0) return invalid_argument(fmt::format("check digit: character {} is not an MRZ character", i + 1));
    sum += v * kWeights[i % 3];
  }
  return static_cast<char>('0' + sum % 10);
}

std::string mrz_date(CivilDate date) {
  return fmt::format("{:02}{:02}{:02}", static_cast<int>(date.year()) % 100, static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()));
}

Result<std::array<std::string, 3>> encode_td1(const Td1Fields& f) {
  if (f.document_code.empty() || f.document_code.size() > 2) return invalid_argument("document_code: 1 or 2 characters");
  if (f.issuing_state.size() != 3) return invalid_argument("issuing_state: 3 letters");
  if (f.nationality.size() != 3) return invalid_argument("nationality: 3 letters");
  if (f.document_number.empty() || f.document_number.size() > kDocumentNumberMax) {
    return invalid_argument(fmt::format("document_number: 1 to {} characters", kDocumentNumberMax));
  }
  if (f.sex != 'M' && f.sex != 'F' && f.sex != '<') return invalid_argument("sex: M, F or <");
  for (const auto& [what, text] : {std::pair<std::string_view, std::string_view>{"document_code", f.document_code},
                                   {"issuing_state", f.issuing_state},
                                   {"document_number", f.document_number},
                                   {"optional_1", f.optional_1},
                                   {"nationality", f.nationality},
                                   {"optional_2", f.optional_2},
                                   {"primary_identifier", f.primary_identifier},
                                   {"secondary_identifier", f.secondary_identifier}}) {
    EKTP_RETURN_IF_ERROR(check_chars(what, text));
  }
  EKTP_RETURN_IF_ERROR(check_date("birth_date", f.birth_date));
  EKTP_RETURN_IF_ERROR(check_date("expiry_date", f.expiry_date));
  if (f.primary_identifier.empty()) return invalid_argument("primary_identifier: the name is required");
  if (f.optional_2.size() > kOptional2) return invalid_argument(fmt::format("optional_2: at most {}", kOptional2));

  EKTP_ASSIGN_OR_RETURN(auto number_check, mrz_check_digit(f.document_number));
  std::string optional_1;
  std::string number_field;
  char number_digit = number_check;
  if (f.document_number.size() <= kDocumentNumberField) {
    number_field = filled(f.document_number, kDocumentNumberField);
    optional_1 = f.optional_1;
  } else {
    // Part 5 §4.2.4: the first nine in the field, '<' for its check digit, then the rest and the
    // check digit of the whole number, then the optional data.
    number_field = f.document_number.substr(0, kDocumentNumberField);
    number_digit = '<';
    optional_1 = f.document_number.substr(kDocumentNumberField) + number_check + "<" + f.optional_1;
  }
  if (optional_1.size() > kOptional1) {
    return invalid_argument(fmt::format("optional_1: {} characters with the document number's overflow, at most {}",
                                        optional_1.size(), kOptional1));
  }
  std::string line1 = filled(f.document_code, 2) + f.issuing_state + number_field + number_digit +
                      filled(optional_1, kOptional1);
  const std::string birth = mrz_date(f.birth_date), expiry = mrz_date(f.expiry_date);
  EKTP_ASSIGN_OR_RETURN(auto birth_check, mrz_check_digit(birth));
  EKTP_ASSIGN_OR_RETURN(auto expiry_check, mrz_check_digit(expiry));
  std::string line2 = birth + birth_check + f.sex + expiry + expiry_check + f.nationality + filled(f.optional_2, kOptional2);
  const std::string composite = line1.substr(5, 25) + line2.substr(0, 7) + line2.substr(8, 7) + line2.substr(18, 11);
  EKTP_ASSIGN_OR_RETURN(auto composite_check, mrz_check_digit(composite));
  line2 += composite_check;
  // The name: primary<<secondary; too long, the secondary identifier is cut first.
  std::string name = f.primary_identifier;
  if (!f.secondary_identifier.empty()) {
    const std::size_t room = kTd1LineLength > name.size() + 2 ? kTd1LineLength - name.size() - 2 : 0;
    if (room > 0) name += "<<" + f.secondary_identifier.substr(0, room);
  }
  std::string line3 = filled(name, kTd1LineLength);
  return std::array<std::string, 3>{std::move(line1), std::move(line2), std::move(line3)};
}

Result<Td1Fields> decode_td1(const std::array<std::string, 3>& lines) {
  for (std::size_t i = 0; i < 3; ++i) {
    if (lines[i].size() != kTd1LineLength) {
      return invalid_argument(fmt::format("line {}: {} characters, a TD1 line has 30", i + 1, lines[i].size()));
    }
    EKTP_RETURN_IF_ERROR(check_chars(fmt::format("line {}", i + 1), lines[i]));
  }
  const std::string& l1 = lines[0];
  const std::string& l2 = lines[1];
  Td1Fields f;
  f.document_code = std::string(trim_fillers(std::string_view(l1).substr(0, 2)));
  f.issuing_state = l1.substr(2, 3);
  std::string_view optional = std::string_view(l1).substr(15, kOptional1);
  if (l1[14] == '<') {
    // A long number: its rest runs in the optional data up to its check digit, then '<'.
    const auto end = optional.find('<');
    if (end == std::string_view::npos || end < 2) {
      return invalid_argument("line 1, position 16: a long document number's rest and check digit are missing");
    }
    f.document_number = l1.substr(5, kDocumentNumberField) + std::string(optional.substr(0, end - 1));
    EKTP_RETURN_IF_ERROR(
        expect_check(f.document_number, optional[end - 1], fmt::format("line 1, position {}", 15 + end)));
    optional.remove_prefix(end + 1);
  } else {
    f.document_number = std::string(trim_fillers(std::string_view(l1).substr(5, kDocumentNumberField)));
    EKTP_RETURN_IF_ERROR(expect_check(l1.substr(5, kDocumentNumberField), l1[14], "line 1, position 15"));
  }
  f.optional_1 = std::string(trim_fillers(optional));
  EKTP_RETURN_IF_ERROR(expect_check(l2.substr(0, 6), l2[6], "line 2, position 7 (birth date)"));
  EKTP_RETURN_IF_ERROR(expect_check(l2.substr(8, 6), l2[14], "line 2, position 15 (expiry date)"));
  const std::string composite = l1.substr(5, 25) + l2.substr(0, 7) + l2.substr(8, 7) + l2.substr(18, 11);
  EKTP_RETURN_IF_ERROR(expect_check(composite, l2[29], "line 2, position 30 (composite)"));
  EKTP_ASSIGN_OR_RETURN(f.expiry_date, parse_mrz_date(std::string_view(l2).substr(8, 6), 2000, "line 2, position 9"));
  // The birth date's century: the latest that puts it before the expiry (a card expires after its
  // holder's birth; a holder over 100 at the expiry would read a century late).
  EKTP_ASSIGN_OR_RETURN(auto birth, parse_mrz_date(std::string_view(l2).substr(0, 6), 2000, "line 2, position 1"));
  if (birth >= f.expiry_date) {
    EKTP_ASSIGN_OR_RETURN(birth, parse_mrz_date(std::string_view(l2).substr(0, 6), 1900, "line 2, position 1"));
  }
  f.birth_date = birth;
  f.sex = l2[7];
  if (f.sex != 'M' && f.sex != 'F' && f.sex != '<') return invalid_argument("line 2, position 8: sex is M, F or <");
  f.nationality = l2.substr(15, 3);
  f.optional_2 = std::string(trim_fillers(std::string_view(l2).substr(18, kOptional2)));
  const std::string_view name = trim_fillers(lines[2]);
  const auto split = name.find("<<");
  f.primary_identifier = std::string(name.substr(0, split));
  if (split != std::string_view::npos) f.secondary_identifier = std::string(name.substr(split + 2));
  return f;
}

Result<std::string> bac_mrz_information(const std::array<std::string, 3>& lines) {
  EKTP_ASSIGN_OR_RETURN(auto fields, decode_td1(lines));
  EKTP_ASSIGN_OR_RETURN(auto number_check, mrz_check_digit(fields.document_number));
  // A short number is taken with its fillers, as it stands in the MRZ (L898902C<).
  const std::string number = fields.document_number.size() < kDocumentNumberField
                                 ? filled(fields.document_number, kDocumentNumberField)
                                 : fields.document_number;
  return number + number_check + lines[1].substr(0, 7) + lines[1].substr(8, 7);
}

}  // namespace ektp::card
