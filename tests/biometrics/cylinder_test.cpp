#include "biometrics/cylinder.h"

#include <bit>

#include "test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(Cylinder, RealTemplateGetsCylindersForMostMinutiae) {
  const auto t = testing::load_template("fvc2002-db1b", 101, 1);
  const auto s = prepare(t);
  EXPECT_GT(s.cylinders.size(), t.minutiae.size() / 2);
  for (const Cylinder& c : s.cylinders)
    for (std::size_t w = 0; w < c.bits.size(); ++w) EXPECT_EQ(c.bits[w] & ~c.valid[w], 0u);
}

TEST(Cylinder, SelfSimilarityIsOneAndOthersLower) {
  const auto s = prepare(testing::load_template("fvc2002-db1b", 101, 1));
  ASSERT_GE(s.cylinders.size(), 2u);
  EXPECT_FLOAT_EQ(cylinder_similarity(s.cylinders[0], s.cylinders[0]), 1.0f);
  std::vector<float> row(s.cylinders.size());
  cylinder_similarity_row(s.cylinders[0], s.cylinders, row);
  EXPECT_FLOAT_EQ(row[0], 1.0f);
  for (std::size_t j = 1; j < row.size(); ++j) {
    EXPECT_LT(row[j], 1.0f);
    EXPECT_FLOAT_EQ(row[j], cylinder_similarity(s.cylinders[0], s.cylinders[j]));
  }
}

TEST(Cylinder, TooFewMinutiaeGiveNoCylinders) {
  FeatureTemplate t{300, 300, 3, {{100, 100, 0.5f, MinutiaType::kEnding, 50}, {120, 110, 1.0f, MinutiaType::kEnding, 50}}};
  EXPECT_TRUE(prepare(t).cylinders.empty());
  EXPECT_TRUE(prepare(FeatureTemplate{}).cylinders.empty());
}

TEST(Cylinder, DisjointValidAreasAreNotMatchable) {
  Cylinder a, b;
  a.valid.fill(~0ull);
  EXPECT_EQ(cylinder_similarity(a, b), -1.0f);
}

}  // namespace
}  // namespace ektp::biometrics
