// The e-KTP's personal data groups from the registry (ICAO 9303 Part 10): DG1 (the TD1 MRZ: document
// code I, issuing state and nationality IDN, the card number as document number, the NIK in the
// optional data), DG11 (name, NIK, birth date and place, address), DG12 (the issuing office, the
// date of issue, the blanko number) and DG13 (the e-KTP fields ICAO has no tag for). Pure.
//
// Layout decisions (no ICAO profile says otherwise for a national ID card):
// - The document number is the card number printed on the face (the blanko serial). When it is
//   longer than nine digits, its overflow and check digit open line 1's optional data (Part 5).
// - The NIK (16 digits) runs through what remains of line 1's optional data and on into line 2's
//   (both are covered by the composite check digit).
// - The expiry is the chip's technical life, 10 years after issue; the identity itself is valid
//   for life (SEUMUR HIDUP on the face and in DG13).
// - Names: upper case; letters outside A–Z and spaces become '<' (Part 3's transliteration for
//   the Latin alphabet); a one-word name is the primary identifier with no secondary.
// - DG12: 5F19 issuing authority, 5F26 date of issue (YYYYMMDD), 5F1B the blanko number
//   ("BLANKO <n>", in endorsements and observations).
// - DG11 (6B): 5F0E the name as registered (UTF-8), 5F10 the NIK, 5F2B the birth date YYYYMMDD,
//   5F11 the place of birth, 5F42 the address (street, RT/RW, village, district, regency,
//   province, '<' between them), with the 5C tag list first.
// - DG13 (6D), our private tags: 80 religion, 81 marital status, 82 blood type, 83 occupation,
//   84 citizenship, 85 validity ("SEUMUR HIDUP"), each UTF-8 text as on the card face.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/civil_date.h"
#include "core/person.h"
#include "card/card_face.h"

namespace ektp::card {

inline constexpr int kChipLifeYears = 10;

struct ChipIssue {
  std::int64_t blanko_serial = 0;
  CivilDate issued{};
  std::string office;  // the printing office's code
};

// A person has one name in the register: the MRZ carries it whole as the primary identifier, its
// words joined by '<' ("SITI AMINAH" → "SITI<AMINAH").
std::string mrz_name(std::string_view name);

Result<std::array<std::string, 3>> ektp_mrz(const Person& person, const ChipIssue& issue);
// The NIK back from an e-KTP MRZ's optional data.
Result<std::string> nik_of_ektp_mrz(const std::array<std::string, 3>& mrz);

// From the card face's own lines (card_face.h), so the chip says what the card shows.
std::vector<std::uint8_t> encode_dg11(const Person& person, const CardFace& face);
std::vector<std::uint8_t> encode_dg12(const ChipIssue& issue, const CardFace& face);
std::vector<std::uint8_t> encode_dg13(const CardFace& face);

}  // namespace ektp::card
