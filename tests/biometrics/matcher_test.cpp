#include "biometrics/matcher.h"

#include <cmath>

#include "test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

SearchTemplate prepared(const std::string& set, int finger, int impression) {
  return prepare(testing::load_template(set, finger, impression));
}

// Rotates and shifts a template, as another placement of the finger on the sensor would.
FeatureTemplate moved(const FeatureTemplate& t, float angle, int dx, int dy) {
  FeatureTemplate out = t;
  out.width_px = t.width_px + 200;
  out.height_px = t.height_px + 200;
  const float c = std::cos(angle), s = std::sin(angle), cx = t.width_px / 2.0f, cy = t.height_px / 2.0f;
  for (Minutia& m : out.minutiae) {
    const float x = m.x - cx, y = m.y - cy;
    // Image y points down; a counter-clockwise turn in ISO angles is clockwise in image space.
    m.x = static_cast<int>(std::lround(cx + c * x + s * y)) + dx + 100;
    m.y = static_cast<int>(std::lround(cy - s * x + c * y)) + dy + 100;
    m.angle_rad = std::fmod(m.angle_rad + angle + 6.2831853f, 6.2831853f);
  }
  return out;
}

TEST(Matcher, SameImageScoresVeryHigh) {
  const auto a = prepared("fvc2002-db1b", 101, 1);
  ASSERT_GT(a.minutiae.size(), 10u);
  EXPECT_GT(match_templates(a, a), 0.9f);
}

TEST(Matcher, ToleratesRotationAndTranslation) {
  const auto t = testing::load_template("fvc2002-db1b", 106, 2);
  const float self = match_templates(prepare(t), prepare(t));
  const float turned = match_templates(prepare(t), prepare(moved(t, 0.5f, 40, -30)));
  EXPECT_GT(turned, 0.8f * self);
}

TEST(Matcher, GenuinePairsScoreAboveImpostorPairsOnAverage) {
  double genuine = 0, impostor = 0;
  int ng = 0, ni = 0;
  for (int finger = 101; finger <= 104; ++finger) {
    const Matcher probe(prepared("fvc2002-db1b", finger, 1));
    for (int impression = 2; impression <= 3; ++impression) {
      genuine += probe.match(prepared("fvc2002-db1b", finger, impression));
      ++ng;
    }
    impostor += probe.match(prepared("fvc2002-db1b", finger + 4, 1));
    ++ni;
  }
  EXPECT_GT(genuine / ng, 2.0 * impostor / ni);
  EXPECT_GT(genuine / ng, 0.2);
}

TEST(Matcher, IsNearlySymmetric) {
  const auto a = prepared("fvc2002-db3b", 107, 1), b = prepared("fvc2002-db3b", 107, 4);
  EXPECT_NEAR(match_templates(a, b), match_templates(b, a), 0.1f);
}

TEST(Matcher, EmptyTemplatesScoreZero) {
  const auto a = prepared("fvc2002-db1b", 101, 1);
  EXPECT_EQ(match_templates(a, SearchTemplate{}), 0.0f);
  EXPECT_EQ(match_templates(SearchTemplate{}, SearchTemplate{}), 0.0f);
}

}  // namespace
}  // namespace ektp::biometrics
