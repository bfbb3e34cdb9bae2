#include "card/lds_personal.h"

#include <cctype>

#include <fmt/format.h>

#include "card/ber_tlv.h"
#include "card/lds_files.h"
#include "card/mrz.h"

namespace ektp::card {

namespace {

constexpr std::size_t kOptional1 = 15;

std::string ymd(CivilDate d) {
  return fmt::format("{:04}{:02}{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

std::vector<std::uint8_t> tag_list(std::initializer_list<std::uint16_t> tags) {
  std::vector<std::uint8_t> out;
  for (auto t : tags) {
    out.push_back(static_cast<std::uint8_t>(t >> 8));
    out.push_back(static_cast<std::uint8_t>(t));
  }
  return out;
}

}  // namespace

std::string mrz_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\'') continue;  // apostrophes are left out
    const char upper = static_cast<char>(std::toupper(u));
    if (upper >= 'A' && upper <= 'Z') {
      out += upper;
    } else if (!out.empty() && out.back() != '<') {
      out += '<';
    }
  }
  while (!out.empty() && out.back() == '<') out.pop_back();
  return out;
}

Result<std::array<std::string, 3>> ektp_mrz(const Person& person, const ChipIssue& issue) {
  if (person.nik.size() != 16) return invalid_argument("nik: 16 digits");
  if (issue.blanko_serial <= 0) return invalid_argument("blanko_serial: the card number");
  Td1Fields f;
  f.document_code = "I";
  f.issuing_state = "IDN";
  f.nationality = person.citizenship == Citizenship::kWNI ? "IDN" : "XXX";
  f.document_number = std::to_string(issue.blanko_serial);
  f.birth_date = person.birth_date;
  f.sex = person.sex == Sex::kFemale ? 'F' : 'M';
  f.expiry_date = CivilDate{issue.issued.year() + std::chrono::years{kChipLifeYears}, issue.issued.month(),
                            issue.issued.day() == std::chrono::day{29} && issue.issued.month() == std::chrono::February
                                ? std::chrono::day{28}
                                : issue.issued.day()};
  // What line 1's optional data still holds after a long document number's overflow.
  const std::size_t overflow = f.document_number.size() > 9 ? f.document_number.size() - 9 + 2 : 0;
  if (overflow > kOptional1) return invalid_argument("blanko_serial: too long for the MRZ");
  const std::size_t room = kOptional1 - overflow;
  f.optional_1 = person.nik.substr(0, std::min(room, person.nik.size()));
  f.optional_2 = room < person.nik.size() ? person.nik.substr(room) : "";
  f.primary_identifier = mrz_name(person.name);
  if (f.primary_identifier.empty()) return invalid_argument("name: no letter the MRZ can carry");
  if (f.primary_identifier.size() > 30) f.primary_identifier.resize(30);
  return encode_td1(f);
}

Result<std::string> nik_of_ektp_mrz(const std::array<std::string, 3>& mrz) {
  EKTP_ASSIGN_OR_RETURN(auto f, decode_td1(mrz));
  std::string nik = f.optional_1 + f.optional_2;
  if (nik.size() != 16 || nik.find_first_not_of("0123456789") != std::string::npos) {
    return invalid_argument(fmt::format("the MRZ's optional data hold no NIK ('{}')", nik));
  }
  return nik;
}

std::vector<std::uint8_t> encode_dg11(const Person& person, const CardFace& face) {
  const std::string address =
      fmt::format("{}<RT/RW {}<{}<{}<{}<{}", face_field(face, "Alamat"), face_field(face, "RT/RW"),
                  face_field(face, "Kel/Desa"), face_field(face, "Kecamatan"), face.regency, face.province);
  return encode_constructed(data_group_tag(11), {encode_tlv(0x5C, tag_list({0x5F0E, 0x5F10, 0x5F2B, 0x5F11, 0x5F42})),
                                                 encode_tlv(0x5F0E, person.name), encode_tlv(0x5F10, person.nik),
                                                 encode_tlv(0x5F2B, ymd(person.birth_date)),
                                                 encode_tlv(0x5F11, person.birth_place), encode_tlv(0x5F42, address)});
}

std::vector<std::uint8_t> encode_dg12(const ChipIssue& issue, const CardFace& face) {
  return encode_constructed(
      data_group_tag(12),
      {encode_tlv(0x5C, tag_list({0x5F19, 0x5F26, 0x5F1B})),
       encode_tlv(0x5F19, fmt::format("DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL {}{}", face.regency,
                                      issue.office.size() == 6 ? " (KECAMATAN " + face_field(face, "Kecamatan") + ")" : "")),
       encode_tlv(0x5F26, ymd(issue.issued)), encode_tlv(0x5F1B, fmt::format("BLANKO {}", issue.blanko_serial))});
}

std::vector<std::uint8_t> encode_dg13(const CardFace& face) {
  return encode_constructed(data_group_tag(13),
                            {encode_tlv(0x80, face_field(face, "Agama")), encode_tlv(0x81, face_field(face, "Status Perkawinan")),
                             encode_tlv(0x82, face.blood_type), encode_tlv(0x83, face_field(face, "Pekerjaan")),
                             encode_tlv(0x84, face_field(face, "Kewarganegaraan")),
                             encode_tlv(0x85, face_field(face, "Berlaku Hingga"))});
}

}  // namespace ektp::card
