#include "registry/demo/demo_attributes.h"

#include <array>

#include "registry/demo/demo_names.h"

namespace ektp::registry::demo {

namespace {

using EducationWeights = std::array<double, 10>;  // in Education order, tidak_sekolah … s3
constexpr EducationWeights kEducationYoungAdult = {1, 2, 20, 24, 35, 2, 4, 11, 1, 0.05};
constexpr EducationWeights kEducationMiddleAge = {3, 7, 36, 18, 24, 1, 3, 7, 1, 0.05};
constexpr EducationWeights kEducationElder = {18, 24, 36, 9, 8, 0.5, 1.5, 2.5, 0.5, 0.02};
constexpr EducationWeights kEducationLeftSchool = {1, 3, 12, 22, 62, 0, 0, 0, 0, 0};

constexpr std::array<double, 5> kBloodTypeWeights = {22, 24, 6, 33, 15};  // A B AB O unknown

Education draw(DemoRandom& random, const EducationWeights& weights) {
  return static_cast<Education>(random.weighted(weights));
}

// The least schooling a job is given to.
Education education_min(std::string_view job) {
  if (job == "GURU" || job == "DOKTER" || job == "PEGAWAI NEGERI SIPIL (PNS)") {
    return Education::kS1;
  }
  if (job == "PERAWAT" || job == "BIDAN") return Education::kDiploma3;
  return Education::kTidakSekolah;
}

std::string_view draw_word(DemoRandom& random, std::span<const WeightedWord> words) {
  std::array<double, 32> weights{};
  EKTP_ASSERT(words.size() <= weights.size());
  for (std::size_t i = 0; i < words.size(); ++i) weights[i] = words[i].weight;
  return words[random.weighted(std::span(weights.data(), words.size()))].word;
}

}  // namespace

Education pick_education(DemoRandom& random, int age_years) {
  if (age_years < 7) return age_years >= 5 && random.chance(0.3) ? Education::kBelumTamatSD
                                                                 : Education::kTidakSekolah;
  if (age_years <= 12) return Education::kBelumTamatSD;
  if (age_years <= 15) return Education::kSD;
  if (age_years <= 18) return random.chance(0.9) ? Education::kSMP : Education::kSD;
  if (age_years <= 22) return draw(random, kEducationLeftSchool);
  if (age_years <= 40) return draw(random, kEducationYoungAdult);
  if (age_years <= 60) return draw(random, kEducationMiddleAge);
  return draw(random, kEducationElder);
}

std::string_view pick_occupation(DemoRandom& random, int age_years, Sex sex,
                                 Education& education) {
  if (age_years < 5) return occupation::kNotWorking;
  if (age_years <= 18) {
    return age_years <= 15 || random.chance(0.85) ? occupation::kStudent : occupation::kNotWorking;
  }
  if (age_years <= 24 && education >= Education::kSMA && random.chance(0.35)) {
    return occupation::kStudent;
  }
  std::string_view job = age_years >= 60 ? draw_word(random, elder_occupations(sex))
                                         : draw_word(random, adult_occupations(sex));
  if (age_years < 23 && education_min(job) > Education::kSMA) job = "KARYAWAN SWASTA";
  if (job == occupation::kRetired && education < Education::kSMA) education = Education::kSMA;
  if (Education needed = education_min(job); education < needed) education = needed;
  return job;
}

BloodType pick_blood_type(DemoRandom& random) {
  return static_cast<BloodType>(random.weighted(kBloodTypeWeights));
}

}  // namespace ektp::registry::demo
