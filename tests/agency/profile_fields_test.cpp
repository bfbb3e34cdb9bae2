// The 27 profile fields: unique ids, the family grant apart, and each field's value of a resident.
#include "agency/profile_fields.h"

#include <gtest/gtest.h>

#include <set>

#include "support/test_support.h"

namespace ektp::agency {
namespace {

Person resident() {
  Person person;
  person.nik = "3327015508900001";
  person.kk_number = "3327010101090001";
  person.relation = FamilyRelation::kIstri;
  person.name = "Siti Aminah";
  person.birth_place = "Pemalang";
  person.birth_date = std::chrono::year{1990} / std::chrono::August / std::chrono::day{15};
  person.sex = Sex::kFemale;
  person.blood_type = BloodType::kO;
  person.marital_status = MaritalStatus::kKawin;
  person.occupation = "Guru";
  person.education = Education::kS1;
  person.father_name = "Ahmad";
  person.mother_name = "Fatimah";
  person.address = {"Jl. Merdeka No. 5", "001", "002", "3327012001"};
  person.enrolled = true;
  return person;
}

TEST(ProfileFieldsTest, TwentySevenDistinctFieldsAndTheFamilyGrantApart) {
  ASSERT_EQ(profile_fields().size(), 27u);
  std::set<std::string_view> ids;
  for (const ProfileField& field : profile_fields()) {
    EXPECT_TRUE(ids.insert(field.id).second) << field.id;
    EXPECT_FALSE(field.meaning.empty()) << field.id;
    EXPECT_TRUE(is_profile_field(field.id));
    EXPECT_TRUE(is_grant(field.id));
  }
  EXPECT_FALSE(is_profile_field("family"));
  EXPECT_TRUE(is_grant("family"));
  EXPECT_FALSE(is_profile_field("password"));
  EXPECT_FALSE(is_grant("NIK"));
  EXPECT_FALSE(is_grant(""));
}

TEST(ProfileFieldsTest, EveryFieldHasAValue) {
  const Person person = resident();
  for (const ProfileField& field : profile_fields()) EXPECT_OK(profile_field_value(person, field.id));
}

TEST(ProfileFieldsTest, ValuesAreTheStoredIdsDatesAndRegionNames) {
  const Person person = resident();
  EXPECT_EQ(*profile_field_value(person, "nik"), "3327015508900001");
  EXPECT_EQ(*profile_field_value(person, "birth_date"), "1990-08-15");
  EXPECT_EQ(*profile_field_value(person, "sex"), "F");
  EXPECT_EQ(*profile_field_value(person, "marital_status"), "kawin");
  EXPECT_EQ(*profile_field_value(person, "family_relation"), std::string(family_relation_id(FamilyRelation::kIstri)));
  EXPECT_EQ(*profile_field_value(person, "rw"), "002");
  EXPECT_EQ(*profile_field_value(person, "regency"), "Kabupaten Pemalang");
  EXPECT_EQ(*profile_field_value(person, "village"), "Plakaran");
  EXPECT_FALSE(profile_field_value(person, "province")->empty());
  EXPECT_EQ(*profile_field_value(person, "alive"), "true");
  EXPECT_EQ(*profile_field_value(person, "death_date"), "");
  EXPECT_EQ(*profile_field_value(person, "biometrics_recorded"), "true");
  EXPECT_EQ(*profile_field_value(person, "card_status"), "not_printed");
  Person dead = person;
  dead.alive = false;
  dead.death_date = std::chrono::year{2026} / std::chrono::March / std::chrono::day{2};
  EXPECT_EQ(*profile_field_value(dead, "alive"), "false");
  EXPECT_EQ(*profile_field_value(dead, "death_date"), "2026-03-02");
}

TEST(ProfileFieldsTest, UnknownFieldsAndTheFamilyGrantHaveNoValue) {
  EXPECT_ERROR(profile_field_value(resident(), "salary"), ErrorCode::kInvalidArgument, "salary");
  EXPECT_ERROR(profile_field_value(resident(), "family"), ErrorCode::kInvalidArgument, "family");
}

}  // namespace
}  // namespace ektp::agency
