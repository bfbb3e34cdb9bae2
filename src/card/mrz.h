// The machine-readable zone of an ICAO 9303 TD1 card (three lines of 30 characters, Part 5), as
// the chip's DG1 holds it and Basic Access Control derives its keys from: the check digits
// (weights 7, 3, 1 over 0–9, A–Z = 10–35, '<' = 0), the fields and their fillers, a document number
// longer than nine characters (its overflow and check digit in the optional data, '<' in the
// check digit's place), and reading the lines back with every check digit verified. Pure.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/civil_date.h"
#include "core/error.h"

namespace ektp::card {

inline constexpr std::size_t kTd1LineLength = 30;

// '0'..'9' for the MRZ characters of `field` (digits, A–Z, '<'); kInvalidArgument for any other.
Result<char> mrz_check_digit(std::string_view field);

struct Td1Fields {
  std::string document_code = "I";   // 1–2 characters: "I", "ID", "IP" …
  std::string issuing_state;        // 3 letters: "IDN"
  std::string document_number;      // up to 22 MRZ characters (> 9 continues in the optional data)
  std::string optional_1;           // line 1's optional data after any document-number overflow
  CivilDate birth_date{};
  char sex = '<';                   // 'M', 'F' or '<'
  CivilDate expiry_date{};
  std::string nationality;          // 3 letters
  std::string optional_2;           // line 2's optional data (at most 11)
  std::string primary_identifier;   // surname; names are upper case A–Z, '<' between words
  std::string secondary_identifier; // given names (empty when the person has a single name)
};

// The three lines. kInvalidArgument naming the field: characters outside A–Z/0–9/'<' (names are
// transliterated by the caller), a field too long, a date outside 1900–2099. A name too long for
// line 3 is truncated as Part 5 says (the secondary identifier first).
Result<std::array<std::string, 3>> encode_td1(const Td1Fields& fields);

// The fields back from three lines, every check digit verified; kInvalidArgument naming the line
// and position of what is wrong ("line 2, position 7: check digit of the birth date is 3, not 2").
Result<Td1Fields> decode_td1(const std::array<std::string, 3>& lines);

// "YYMMDD" of a date, as the MRZ writes it.
std::string mrz_date(CivilDate date);

// MRZ_information of ICAO 9303 Part 11 §9.7.1 (the BAC key seed's input): the document number
// with its check digit, the birth date with its, the expiry with its — read from the MRZ, so a long
// document number is taken whole with its own check digit.
Result<std::string> bac_mrz_information(const std::array<std::string, 3>& lines);

}  // namespace ektp::card
