// The e-KTP's personal data groups from a registry person: the TD1 MRZ with the card number as
// document number (long ones continued in the optional data) and the NIK in the optional data,
// every check digit right; DG11–DG13 carrying what the card face shows; and the whole set read
// back from our chip over BAC.
#include "card/lds_personal.h"

#include <gtest/gtest.h>

#include "card/ber_tlv.h"
#include "card/chip_card.h"
#include "card/lds_files.h"
#include "card/mrz.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

using namespace std::chrono;

Person resident() {
  Person p;
  p.nik = "3327084107900003";
  p.name = "Raden Ajeng Kartini D'jojo";
  p.birth_place = "Pemalang";
  p.birth_date = CivilDate{year{1990}, July, day{1}};
  p.sex = Sex::kFemale;
  p.blood_type = BloodType::kO;
  p.religion = Religion::kIslam;
  p.marital_status = MaritalStatus::kKawin;
  p.occupation = "Karyawan Swasta";
  p.citizenship = Citizenship::kWNI;
  p.address = {"Dusun Krajan", "002", "005", "3327081013"};
  return p;
}

const ChipIssue kIssue{3327000123, CivilDate{year{2026}, December, day{3}}, "3327"};

TEST(LdsPersonalTest, TheMrzCarriesTheCardNumberAndTheNik) {
  EXPECT_EQ(mrz_name("Raden Ajeng Kartini D'jojo"), "RADEN<AJENG<KARTINI<DJOJO");
  EXPECT_EQ(mrz_name("  Siti   Aminah "), "SITI<AMINAH");
  for (std::int64_t serial : {std::int64_t{123456}, std::int64_t{3327000123}, std::int64_t{332700000123}}) {
    ChipIssue issue = kIssue;
    issue.blanko_serial = serial;
    auto mrz = ektp_mrz(resident(), issue);
    ASSERT_OK(mrz);
    auto fields = decode_td1(*mrz);
    ASSERT_OK(fields);  // every check digit right
    EXPECT_EQ(fields->document_number, std::to_string(serial));
    EXPECT_EQ(fields->issuing_state, "IDN");
    EXPECT_EQ(fields->document_code, "I");
    EXPECT_EQ(fields->sex, 'F');
    EXPECT_EQ(fields->birth_date, resident().birth_date);
    EXPECT_EQ(fields->expiry_date, (CivilDate{year{2036}, December, day{3}}));
    EXPECT_EQ(fields->primary_identifier, "RADEN<AJENG<KARTINI<DJOJO");
    EXPECT_EQ(*nik_of_ektp_mrz(*mrz), "3327084107900003") << serial;
  }
  Person nameless = resident();
  nameless.name = "'";
  EXPECT_ERROR(ektp_mrz(nameless, kIssue), ErrorCode::kInvalidArgument, "name");
}

TEST(LdsPersonalTest, DataGroupsSayWhatTheCardFaceShowsAndReadBackFromTheChip) {
  const Person p = resident();
  const CardFace face = card_face_of(p, RegionDirectory::builtin(), kIssue.issued, {}, {});
  auto mrz = ektp_mrz(p, kIssue);
  ASSERT_OK(mrz);
  ChipContents contents;
  contents.locked = true;
  contents.mrz = *mrz;
  contents.files[kEfComId] = encode_ef_com({"0107", "040000", {1, 11, 12, 13}});
  contents.files[data_group_file_id(1)] = encode_dg1(*mrz);
  contents.files[data_group_file_id(11)] = encode_dg11(p, face);
  contents.files[data_group_file_id(12)] = encode_dg12(kIssue, face);
  contents.files[data_group_file_id(13)] = encode_dg13(face);
  std::uint8_t n = 0;
  auto card = ChipCard::make(contents, [&n] { Bytes8 b{}; for (auto& x : b) x = ++n; return b; });
  ASSERT_OK(card);
  ChipReader reader([&](std::span<const std::uint8_t> apdu) -> Result<std::vector<std::uint8_t>> { return card->transmit(apdu); },
                    [&n] { Bytes8 b{}; for (auto& x : b) x = static_cast<std::uint8_t>(++n * 3); return b; });
  ASSERT_OK(reader.open(*mrz));
  auto dg11 = reader.read_file(data_group_file_id(11));
  ASSERT_OK(dg11);
  auto parsed = parse_tlv(*dg11);
  ASSERT_OK(parsed);
  const auto text = [](const Tlv* t) { return t ? std::string(t->value.begin(), t->value.end()) : std::string("(none)"); };
  EXPECT_EQ(text(parsed->find(0x5F10)), "3327084107900003");
  EXPECT_EQ(text(parsed->find(0x5F0E)), "Raden Ajeng Kartini D'jojo");
  EXPECT_EQ(text(parsed->find(0x5F2B)), "19900701");
  EXPECT_NE(text(parsed->find(0x5F42)).find("RT/RW 002/005"), std::string::npos);
  EXPECT_NE(text(parsed->find(0x5F42)).find(face.regency), std::string::npos);
  auto dg12 = parse_tlv(*reader.read_file(data_group_file_id(12)));
  ASSERT_OK(dg12);
  EXPECT_EQ(text(dg12->find(0x5F26)), "20261203");
  EXPECT_EQ(text(dg12->find(0x5F1B)), "BLANKO 3327000123");
  EXPECT_NE(text(dg12->find(0x5F19)).find("DINAS KEPENDUDUKAN"), std::string::npos);
  auto dg13 = parse_tlv(*reader.read_file(data_group_file_id(13)));
  ASSERT_OK(dg13);
  EXPECT_EQ(text(dg13->find(0x80)), "ISLAM");
  EXPECT_EQ(text(dg13->find(0x82)), "O");
  EXPECT_EQ(text(dg13->find(0x84)), "WNI");
  EXPECT_EQ(text(dg13->find(0x85)), "SEUMUR HIDUP");
}

}  // namespace
}  // namespace ektp::card
