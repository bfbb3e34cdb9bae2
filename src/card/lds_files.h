// The files of the e-KTP chip's ICAO 9303 LDS1 application (Part 10): its AID, the file ids and
// tags of EF.COM, the data groups and EF.SOD, EF.COM itself (the LDS and Unicode versions and the
// list of data groups present) and DG1 (the MRZ). Pure; reading is bounded (ber_tlv.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "card/ber_tlv.h"

namespace ektp::card {

inline constexpr std::array<std::uint8_t, 7> kLdsAid = {0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};
inline constexpr std::uint16_t kEfComId = 0x011E;
inline constexpr std::uint16_t kEfSodId = 0x011D;
// DG1..DG16 are files 0101..0110.
inline constexpr std::uint16_t data_group_file_id(int group) { return static_cast<std::uint16_t>(0x0100 + group); }

inline constexpr std::uint8_t kEfComTag = 0x60;
inline constexpr std::uint8_t kEfSodTag = 0x77;
// The tag of DG1..DG16 (Part 10 table 34): 61 75 63 76 65 66 67 68 69 6A 6B 6C 6D 6E 6F 70.
std::uint8_t data_group_tag(int group);
// The group of a data group tag; 0 for any other.
int data_group_of_tag(std::uint8_t tag);

struct EfCom {
  std::string lds_version;      // "0107": LDS 1.7
  std::string unicode_version;  // "040000"
  std::vector<int> groups;      // the data groups present
};
std::vector<std::uint8_t> encode_ef_com(const EfCom& com);
// kInvalidArgument for what is not an EF.COM (tag, versions of 4 and 6 digits, unknown group tags).
Result<EfCom> parse_ef_com(std::span<const std::uint8_t> bytes);

// DG1: the TD1 MRZ's 90 characters in 5F1F inside tag 61.
std::vector<std::uint8_t> encode_dg1(const std::array<std::string, 3>& mrz_lines);
Result<std::array<std::string, 3>> parse_dg1(std::span<const std::uint8_t> bytes);

}  // namespace ektp::card
