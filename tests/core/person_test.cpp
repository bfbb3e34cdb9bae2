#include "core/person.h"

#include "core/limits.h"
#include "support/test_support.h"

namespace ektp {
namespace {

TEST(PersonNameTest, AcceptsIndonesianNames) {
  EXPECT_OK(validate_person_name("name", "Siti Nurhaliza"));
  EXPECT_OK(validate_person_name("name", "H. Ahmad Dahlan"));
  EXPECT_OK(validate_person_name("name", "Ni Luh Putu Ayu-Lestari"));
  EXPECT_OK(validate_person_name("name", "D'Souza, Maria"));
  EXPECT_OK(validate_person_name("name", "Andrés"));
}

TEST(PersonNameTest, RejectsBadNames) {
  EXPECT_ERROR(validate_person_name("name", ""), ErrorCode::kInvalidArgument, "name: is required");
  EXPECT_ERROR(validate_person_name("name", "Budi\nSantoso"), ErrorCode::kInvalidArgument,
               "control character at byte 5");
  EXPECT_ERROR(validate_person_name("name", std::string(500, 'a')), ErrorCode::kInvalidArgument,
               "500 bytes is longer than the limit of 120");
  EXPECT_ERROR(validate_person_name("name", "Budi 2"), ErrorCode::kInvalidArgument,
               "character '2'");
  EXPECT_ERROR(validate_person_name("name", " Budi"), ErrorCode::kInvalidArgument, "space");
  EXPECT_ERROR(validate_person_name("name", "Budi  Santoso"), ErrorCode::kInvalidArgument,
               "two spaces");
  EXPECT_ERROR(validate_person_name("mother_name", "Sri\xff"), ErrorCode::kInvalidArgument,
               "mother_name: byte 4 is not valid UTF-8");
  EXPECT_ERROR(validate_person_name("name", "A\xc0\x80"), ErrorCode::kInvalidArgument, "UTF-8");
}

TEST(PersonTest, VocabulariesRoundTrip) {
  for (auto r : {Religion::kIslam, Religion::kKhonghucu, Religion::kKepercayaan}) {
    EXPECT_EQ(*parse_religion(religion_id(r)), r);
  }
  EXPECT_EQ(*parse_family_relation("kepala_keluarga"), FamilyRelation::kKepalaKeluarga);
  EXPECT_EQ(family_relation_label(FamilyRelation::kMertua), "Mertua");
  EXPECT_EQ(*parse_marital_status("cerai_mati"), MaritalStatus::kCeraiMati);
  EXPECT_ERROR(parse_religion("atheist"), ErrorCode::kInvalidArgument,
               "religion 'atheist' is not one of: islam, kristen");
  EXPECT_ERROR(parse_blood_type("C"), ErrorCode::kInvalidArgument, "blood_type");
}

TEST(PersonTest, RtRwAndNameKey) {
  EXPECT_EQ(*normalize_rt_rw("rt", "5"), "005");
  EXPECT_EQ(*normalize_rt_rw("rw", "012"), "012");
  EXPECT_ERROR(normalize_rt_rw("rt", "1234"), ErrorCode::kInvalidArgument, "rt: '1234'");
  EXPECT_ERROR(normalize_rt_rw("rt", "0"), ErrorCode::kInvalidArgument, "000");
  EXPECT_ERROR(normalize_rt_rw("rw", "a1"), ErrorCode::kInvalidArgument, "rw");
  EXPECT_EQ(name_key("  siti  nur-haliza "), "SITI NUR HALIZA");
  EXPECT_EQ(name_key("H. Ahmad"), "H AHMAD");
}

TEST(PersonTest, ValidateTextBounds) {
  EXPECT_OK(validate_text("occupation", "", limits::place_bytes_max, false));
  EXPECT_ERROR(validate_text("birth_place", "", limits::place_bytes_max, true),
               ErrorCode::kInvalidArgument, "birth_place: is required");
  EXPECT_ERROR(validate_text("street", "Jl.\tMerdeka", limits::address_bytes_max, true),
               ErrorCode::kInvalidArgument, "control character");
}

// A name that shows as one thing and is stored as another: "Budi" + RIGHT-TO-LEFT OVERRIDE, or a
// zero-width space that makes two identical-looking names differ.
TEST(PersonTest, RefusesBidiOverridesAndInvisibleCharacters) {
  for (const char* text : {"Budi\u202eotnaS", "Bu\u200bdi", "Siti\u2066Aminah", "\ufeffSiti", "Sit\u00adi",
                           "Dewi\u200dLestari"}) {
    SCOPED_TRACE(text);
    EXPECT_ERROR(validate_person_name("name", text), ErrorCode::kInvalidArgument, "invisible or text-direction");
    EXPECT_ERROR(validate_text("street", text, limits::address_bytes_max, true), ErrorCode::kInvalidArgument,
                 "invisible or text-direction");
  }
  EXPECT_OK(validate_person_name("name", "Andrés Ñoño"));
}

}  // namespace
}  // namespace ektp
