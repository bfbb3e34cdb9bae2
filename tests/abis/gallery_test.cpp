#include "abis/gallery.h"

#include <random>

#include "abis/identify_eval.h"
#include "biometrics/template_format.h"
#include "support/test_support.h"

namespace ektp::abis {
namespace {

biometrics::FeatureTemplate sample(std::uint64_t person, int finger) {
  Rng rng(person * 10 + static_cast<std::uint64_t>(finger));
  return make_impression(make_synthetic_finger(rng), rng);
}

TEST(Gallery, EnrollsAndFindsFingers) {
  Gallery g;
  ASSERT_OK(g.enroll(77, 1, sample(77, 1)));
  ASSERT_OK(g.enroll(77, 6, sample(77, 6)));
  ASSERT_OK(g.enroll(78, 2, sample(78, 2)));
  EXPECT_EQ(g.person_count(), 2u);
  EXPECT_EQ(g.finger_count(), 3u);
  const auto p = g.person_index(77);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(g.has_finger(*p, 6));
  EXPECT_FALSE(g.has_finger(*p, 2));
  auto t = g.finger_template(*p, 1);
  ASSERT_OK(t);
  EXPECT_EQ(t->minutiae.size(), sample(77, 1).minutiae.size());
  EXPECT_ERROR(g.finger_template(*p, 2), ErrorCode::kNotFound, "not enrolled");
}

TEST(Gallery, MemoryBytesCountTheStoredFingers) {
  Gallery g;
  const std::size_t empty = g.memory_bytes();
  for (std::uint64_t person = 0; person < 20; ++person)
    for (int f = 1; f <= 10; ++f) ASSERT_OK(g.enroll(person, f, sample(person, f)));
  // At least the histograms and the encoded templates of 200 fingers.
  EXPECT_GT(g.memory_bytes(), empty + 200 * (sizeof(PairHistogram) + 100));
}

TEST(Gallery, ReserveChangesNothingButCapacity) {
  Gallery plain, reserved;
  reserved.reserve(50);
  const std::size_t reserved_bytes = reserved.memory_bytes();
  EXPECT_GE(reserved_bytes, 50 * 10 * sizeof(PairHistogram));
  for (std::uint64_t person = 0; person < 3; ++person)
    for (int f = 1; f <= 10; ++f) {
      ASSERT_OK(plain.enroll(person, f, sample(person, f)));
      ASSERT_OK(reserved.enroll(person, f, sample(person, f)));
    }
  EXPECT_EQ(reserved.person_count(), 3u);
  EXPECT_EQ(reserved.serialize(), plain.serialize());
  // Enrolment within the reservation grows no vector; only the person map adds a node each.
  EXPECT_LE(reserved.memory_bytes(), reserved_bytes + 3 * 64);
  reserved.reserve(0);  // shrinking is not asked of reserve: content stays
  EXPECT_EQ(reserved.finger_count(), 30u);
}

TEST(Gallery, RejectsBadEnrolments) {
  Gallery g;
  ASSERT_OK(g.enroll(1, 1, sample(1, 1)));
  EXPECT_ERROR(g.enroll(1, 1, sample(1, 1)), ErrorCode::kAlreadyExists, "already");
  EXPECT_ERROR(g.enroll(1, 11, sample(1, 1)), ErrorCode::kInvalidArgument, "position");
  biometrics::FeatureTemplate bad = sample(2, 1);
  bad.minutiae[0].x = -5;
  EXPECT_ERROR(g.enroll(2, 1, bad), ErrorCode::kInvalidArgument, "outside");
}

TEST(Gallery, PreparedFingersEnrolLikeTemplates) {
  Gallery direct, prepared;
  for (int f = 1; f <= 3; ++f) {
    ASSERT_OK(direct.enroll(5, f, sample(5, f)));
    auto finger = prepare_finger(sample(5, f));
    ASSERT_OK(finger);
    EXPECT_EQ(finger->histogram().bins, pair_histogram(sample(5, f)).bins);
    ASSERT_OK(prepared.enroll(5, f, *finger));
  }
  EXPECT_EQ(prepared.serialize(), direct.serialize());
  auto finger = prepare_finger(sample(6, 1));
  ASSERT_OK(finger);
  EXPECT_ERROR(prepared.enroll(5, 1, *finger), ErrorCode::kAlreadyExists, "already");
  EXPECT_ERROR(prepared.enroll(6, 0, *finger), ErrorCode::kInvalidArgument, "position");
  biometrics::FeatureTemplate bad = sample(7, 1);
  bad.minutiae[0].x = -5;
  EXPECT_ERROR(prepare_finger(bad), ErrorCode::kInvalidArgument, "outside");
}

TEST(Gallery, SerialisationRoundTripsAndDetectsCorruption) {
  const Gallery g = synthetic_gallery(20, 9, 2);
  const auto bytes = g.serialize();
  auto back = Gallery::deserialize(bytes);
  ASSERT_OK(back);
  EXPECT_EQ(back->person_count(), 20u);
  EXPECT_EQ(back->finger_count(), 200u);
  EXPECT_EQ(back->histogram(3, 4).bins, g.histogram(3, 4).bins);
  auto corrupted = bytes;
  corrupted[corrupted.size() / 2] ^= 0x10;
  EXPECT_ERROR(Gallery::deserialize(corrupted), ErrorCode::kDataLoss, "checksum");
  std::vector<std::uint8_t> truncated(bytes.begin(), bytes.begin() + 100);
  EXPECT_FALSE(Gallery::deserialize(truncated).has_value());
  EXPECT_ERROR(Gallery::deserialize({}), ErrorCode::kDataLoss, "magic");
}

}  // namespace
}  // namespace ektp::abis

namespace ektp::abis {
namespace {

TEST(Gallery, MutatedFilesNeverCrash) {
  const auto bytes = synthetic_gallery(3, 11, 1).serialize();
  std::mt19937 rng(77);
  for (int i = 0; i < 2000; ++i) {
    auto m = bytes;
    m[rng() % m.size()] = static_cast<std::uint8_t>(rng());
    if (rng() % 4 == 0) m.resize(rng() % m.size());
    auto g = Gallery::deserialize(m);
    if (g) {
      EXPECT_EQ(m, bytes);
    }
  }
}

}  // namespace
}  // namespace ektp::abis
