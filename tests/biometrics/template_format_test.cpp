#include "biometrics/template_format.h"

#include "template_fuzz.h"
#include "test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

FeatureTemplate sample() {
  FeatureTemplate t{300, 400, 2, {}};
  for (int i = 0; i < 30; ++i)
    t.minutiae.push_back({10 + i * 9, 20 + i * 12, 0.2f * static_cast<float>(i),
                          i % 3 ? MinutiaType::kEnding : MinutiaType::kBifurcation, static_cast<std::uint8_t>(40 + i)});
  return t;
}

TEST(TemplateFormat, RoundTripKeepsEverything) {
  auto bytes = encode_template(sample());
  ASSERT_OK(bytes);
  EXPECT_EQ(bytes->size(), 12u + 30u * 8u + 4u);
  auto back = decode_template(*bytes);
  ASSERT_OK(back);
  ASSERT_EQ(back->minutiae.size(), 30u);
  EXPECT_EQ(back->image_quality, 2);
  for (std::size_t i = 0; i < 30; ++i) {
    EXPECT_EQ(back->minutiae[i].x, sample().minutiae[i].x);
    EXPECT_NEAR(back->minutiae[i].angle_rad, sample().minutiae[i].angle_rad, 1e-4f);
    EXPECT_EQ(back->minutiae[i].type, sample().minutiae[i].type);
  }
}

TEST(TemplateFormat, RoundTripOfARealExtraction) {
  const auto t = testing::load_template("fvc2002-db1b", 103, 2);
  ASSERT_FALSE(t.minutiae.empty());
  auto back = decode_template(*encode_template(t));
  ASSERT_OK(back);
  EXPECT_EQ(back->minutiae.size(), t.minutiae.size());
}

TEST(TemplateFormat, DetectsCorruption) {
  auto bytes = *encode_template(sample());
  bytes[20] ^= 0x01;
  EXPECT_ERROR(decode_template(bytes), ErrorCode::kDataLoss, "checksum");
  EXPECT_ERROR(decode_template(std::vector<std::uint8_t>(5, 0)), ErrorCode::kDataLoss, "truncated");
  EXPECT_ERROR(decode_template(std::vector<std::uint8_t>(50, 'x')), ErrorCode::kDataLoss, "magic");
}

TEST(TemplateFormat, ValidateRejectsBadFields) {
  FeatureTemplate t = sample();
  t.minutiae[3].x = 400;
  EXPECT_ERROR(validate(t), ErrorCode::kInvalidArgument, "outside");
  t = sample();
  t.minutiae[0].angle_rad = 7.0f;
  EXPECT_ERROR(encode_template(t), ErrorCode::kInvalidArgument, "angle");
  t = sample();
  t.image_quality = 0;
  EXPECT_ERROR(validate(t), ErrorCode::kInvalidArgument, "quality");
  t = sample();
  t.minutiae.resize(200, t.minutiae[0]);
  EXPECT_ERROR(validate(t), ErrorCode::kInvalidArgument, "limit");
}

TEST(TemplateFormat, ThousandsOfMutationsNeverCrashAndDecodedOnesValidate) {
  const auto valid = *encode_template(sample());
  std::mt19937 rng(2026);
  int accepted = 0;
  for (int i = 0; i < 5000; ++i) {
    const auto mutated = testing::mutate(valid, rng);
    auto t = decode_template(mutated);
    if (t) {
      accepted += mutated != valid;
      EXPECT_OK(validate(*t));
    }
  }
  EXPECT_LE(accepted, 2);  // the checksum catches every real change
}

}  // namespace
}  // namespace ektp::biometrics
