#include "card/lds_files.h"

#include <fmt/format.h>

#include "card/mrz.h"

namespace ektp::card {

namespace {

constexpr std::array<std::uint8_t, 16> kGroupTags = {0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68,
                                                     0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70};

std::unexpected<Error> not_lds(std::string what) {
  return refusal(ErrorCode::kInvalidArgument, "lds_malformed", std::move(what));
}

bool digits(std::string_view s) { return s.find_first_not_of("0123456789") == std::string_view::npos; }

}  // namespace

std::uint8_t data_group_tag(int group) {
  return group >= 1 && group <= 16 ? kGroupTags[static_cast<std::size_t>(group - 1)] : 0;
}

int data_group_of_tag(std::uint8_t tag) {
  for (std::size_t i = 0; i < kGroupTags.size(); ++i) {
    if (kGroupTags[i] == tag) return static_cast<int>(i + 1);
  }
  return 0;
}

std::vector<std::uint8_t> encode_ef_com(const EfCom& com) {
  std::vector<std::uint8_t> tags;
  for (int g : com.groups) tags.push_back(data_group_tag(g));
  return encode_constructed(kEfComTag, {encode_tlv(0x5F01, com.lds_version), encode_tlv(0x5F36, com.unicode_version),
                                        encode_tlv(0x5C, tags)});
}

Result<EfCom> parse_ef_com(std::span<const std::uint8_t> bytes) {
  EKTP_ASSIGN_OR_RETURN(auto tlv, parse_tlv(bytes));
  if (tlv.tag != kEfComTag) return not_lds(fmt::format("EF.COM: tag {:X}, not 60", tlv.tag));
  const Tlv* version = tlv.find(0x5F01);
  const Tlv* unicode = tlv.find(0x5F36);
  const Tlv* list = tlv.find(0x5C);
  if (version == nullptr || unicode == nullptr || list == nullptr) return not_lds("EF.COM: 5F01, 5F36 or 5C missing");
  EfCom com{std::string(version->value.begin(), version->value.end()),
            std::string(unicode->value.begin(), unicode->value.end()), {}};
  if (com.lds_version.size() != 4 || !digits(com.lds_version)) return not_lds("EF.COM: the LDS version is 4 digits");
  if (com.unicode_version.size() != 6 || !digits(com.unicode_version)) {
    return not_lds("EF.COM: the Unicode version is 6 digits");
  }
  for (auto t : list->value) {
    const int g = data_group_of_tag(t);
    if (g == 0) return not_lds(fmt::format("EF.COM: {:02X} is not a data group tag", t));
    com.groups.push_back(g);
  }
  return com;
}

std::vector<std::uint8_t> encode_dg1(const std::array<std::string, 3>& mrz_lines) {
  return encode_constructed(data_group_tag(1), {encode_tlv(0x5F1F, mrz_lines[0] + mrz_lines[1] + mrz_lines[2])});
}

Result<std::array<std::string, 3>> parse_dg1(std::span<const std::uint8_t> bytes) {
  EKTP_ASSIGN_OR_RETURN(auto tlv, parse_tlv(bytes));
  if (tlv.tag != data_group_tag(1)) return not_lds(fmt::format("DG1: tag {:X}, not 61", tlv.tag));
  const Tlv* mrz = tlv.find(0x5F1F);
  if (mrz == nullptr || mrz->value.size() != 3 * kTd1LineLength) return not_lds("DG1: 5F1F holds the 90 characters of a TD1 MRZ");
  const std::string text(mrz->value.begin(), mrz->value.end());
  std::array<std::string, 3> lines = {text.substr(0, 30), text.substr(30, 30), text.substr(60, 30)};
  EKTP_RETURN_IF_ERROR(decode_td1(lines));  // every check digit
  return lines;
}

}  // namespace ektp::card
