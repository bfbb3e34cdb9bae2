// A resident as the register holds them now (the state derived from their civil events), with the
// closed vocabularies of the card and the register. Enum values are stored and sent as the
// lower-case ids below ("belum_kawin"); the UI shows the Indonesian labels.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/civil_date.h"
#include "core/error.h"
#include "core/nik.h"

namespace ektp {

enum class Religion { kIslam, kKristen, kKatolik, kHindu, kBuddha, kKhonghucu, kKepercayaan };
enum class MaritalStatus { kBelumKawin, kKawin, kCeraiHidup, kCeraiMati };
enum class BloodType { kA, kB, kAB, kO, kUnknown };
enum class Citizenship { kWNI, kWNA };
enum class FamilyRelation {
  kKepalaKeluarga, kSuami, kIstri, kAnak, kMenantu, kCucu, kOrangTua, kMertua, kFamiliLain, kLainnya
};
enum class Education {
  kTidakSekolah, kBelumTamatSD, kSD, kSMP, kSMA, kDiploma1, kDiploma3, kS1, kS2, kS3
};

// Each vocabulary: id for storage/JSON, label for people, and parse from id.
std::string_view religion_id(Religion value);
std::string_view marital_status_id(MaritalStatus value);
std::string_view marital_status_label(MaritalStatus value);
std::string_view blood_type_id(BloodType value);
std::string_view citizenship_id(Citizenship value);
std::string_view family_relation_id(FamilyRelation value);
std::string_view family_relation_label(FamilyRelation value);
std::string_view education_id(Education value);
Result<Religion> parse_religion(std::string_view id);
Result<MaritalStatus> parse_marital_status(std::string_view id);
Result<BloodType> parse_blood_type(std::string_view id);
Result<Citizenship> parse_citizenship(std::string_view id);
Result<FamilyRelation> parse_family_relation(std::string_view id);
Result<Education> parse_education(std::string_view id);

struct Address {
  std::string street;        // "Jl. Merdeka No. 5" or "Dusun Krajan"
  std::string rt;            // 3 digits, "001"
  std::string rw;            // 3 digits
  std::string village_code;  // 10 digits; district, regency, province follow from it
};

struct Person {
  std::string nik;
  std::string kk_number;
  FamilyRelation relation = FamilyRelation::kKepalaKeluarga;
  std::string name;
  std::string birth_place;
  CivilDate birth_date;
  Sex sex = Sex::kMale;
  BloodType blood_type = BloodType::kUnknown;
  Religion religion = Religion::kIslam;
  MaritalStatus marital_status = MaritalStatus::kBelumKawin;
  std::string occupation;
  Education education = Education::kTidakSekolah;
  Citizenship citizenship = Citizenship::kWNI;
  std::string father_name;
  std::string mother_name;
  Address address;
  bool alive = true;
  std::optional<CivilDate> death_date;
  bool enrolled = false;      // biometrics recorded (sudah rekam)
  bool card_printed = false;  // e-KTP printed (sudah cetak)
  std::int64_t version = 1;   // optimistic concurrency: bumped by every change
};

// Field validation; `field` names the field in the message ("name: contains a control character").
// Names: 1–120 bytes of valid UTF-8, letters, spaces and . , ' - only.
Status validate_person_name(std::string_view field, std::string_view name);
// Free text such as place of birth or occupation: valid UTF-8, no control characters, bounded.
Status validate_text(std::string_view field, std::string_view text, std::size_t bytes_max,
                     bool required);
// RT / RW: 1–3 digits; normalised to 3 ("5" → "005").
Result<std::string> normalize_rt_rw(std::string_view field, std::string_view text);
// The canonical search key of a name: upper case ASCII letters and single spaces.
std::string name_key(std::string_view name);

}  // namespace ektp
