#include "biometrics/iso19794.h"

#include <numbers>

#include "biometrics/template_format.h"
#include "template_fuzz.h"
#include "test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(Iso19794, RoundTripOfARealTemplate) {
  const auto t = testing::load_template("fvc2002-db1b", 104, 1);
  ASSERT_GT(t.minutiae.size(), 10u);
  auto bytes = encode_iso19794_2(t, {.finger_position = 2});
  ASSERT_OK(bytes);
  EXPECT_EQ(bytes->size(), 24u + 4u + 6u * t.minutiae.size() + 2u);
  EXPECT_EQ((*bytes)[0], 'F');
  EXPECT_EQ((*bytes)[28 - 4], 2);  // finger position
  auto back = decode_iso19794_2(*bytes);
  ASSERT_OK(back);
  ASSERT_EQ(back->minutiae.size(), t.minutiae.size());
  EXPECT_EQ(back->image_quality, t.image_quality);
  for (std::size_t i = 0; i < t.minutiae.size(); ++i) {
    EXPECT_EQ(back->minutiae[i].x, t.minutiae[i].x);
    EXPECT_EQ(back->minutiae[i].y, t.minutiae[i].y);
    EXPECT_EQ(back->minutiae[i].type, t.minutiae[i].type);
    float d = std::abs(back->minutiae[i].angle_rad - t.minutiae[i].angle_rad);
    d = std::min(d, 2 * std::numbers::pi_v<float> - d);
    EXPECT_LT(d, 0.013f);  // half of 1.40625 degrees
  }
}

TEST(Iso19794, RejectsMalformedRecords) {
  const auto good = *encode_iso19794_2(testing::load_template("fvc2002-db1b", 104, 1));
  auto bad = good;
  bad[0] = 'X';
  EXPECT_ERROR(decode_iso19794_2(bad), ErrorCode::kDataLoss, "identifier");
  bad = good;
  bad[11] ^= 1;
  EXPECT_ERROR(decode_iso19794_2(bad), ErrorCode::kDataLoss, "length");
  bad = good;
  bad[27] = 200;  // minutia count beyond the data
  EXPECT_ERROR(decode_iso19794_2(bad), ErrorCode::kDataLoss, "minutiae");
  bad = good;
  bad[28] = 0xC0 | (bad[28] & 0x3F);  // type 3
  EXPECT_ERROR(decode_iso19794_2(bad), ErrorCode::kDataLoss, "type");
  bad = good;
  bad[12 + 4] = 0;  // image width high byte -> minutiae outside the image
  bad[12 + 5] = 5;
  EXPECT_ERROR(decode_iso19794_2(bad), ErrorCode::kDataLoss, "outside");
  EXPECT_ERROR(decode_iso19794_2({}), ErrorCode::kDataLoss, "truncated");
}

TEST(Iso19794, ThousandsOfMutationsNeverCrash) {
  const auto good = *encode_iso19794_2(testing::load_template("fvc2002-db3b", 105, 1));
  std::mt19937 rng(19794);
  for (int i = 0; i < 5000; ++i) {
    auto t = decode_iso19794_2(testing::mutate(good, rng));
    if (t) {
      EXPECT_OK(validate(*t));
    }
  }
}

}  // namespace
}  // namespace ektp::biometrics
