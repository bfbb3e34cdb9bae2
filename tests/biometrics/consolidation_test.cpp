#include "biometrics/consolidation.h"

#include <cmath>
#include <vector>

#include "biometrics/matcher.h"
#include "test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

SearchTemplate prepared(const std::string& set, int finger, int impression) {
  return prepare(testing::load_template(set, finger, impression));
}

// The template turned by `angle` about the origin and shifted, optionally stretched away from
// the origin by `stretch` per px (skin pressed harder on one side).
SearchTemplate moved(const SearchTemplate& t, float angle, float dx, float dy, float stretch = 0) {
  SearchTemplate out = t;
  const float c = std::cos(angle), s = std::sin(angle);
  auto move = [&](float& x, float& y) {
    const float r = std::sqrt(x * x + y * y), k = 1 + stretch * r;
    const float sx = x * k, sy = y * k;
    x = c * sx - s * sy + dx;
    y = s * sx + c * sy + dy;
  };
  for (auto& m : out.minutiae) {
    move(m.x, m.y);
    m.angle_rad = std::fmod(m.angle_rad + angle + 6.2831853f, 6.2831853f);
  }
  std::vector<Point2> corners;  // rebuild the area from the moved minutiae
  for (const auto& m : out.minutiae) corners.push_back({m.x, m.y});
  out.area = hull_lines(convex_hull(corners));
  return out;
}

std::vector<AnchorPair> true_anchors(std::size_t count) {
  std::vector<AnchorPair> anchors;
  for (std::uint16_t i = 0; i < count; ++i) anchors.push_back({i, i, 1.0f});
  return anchors;
}

TEST(Consolidation, AMovedCopyAgreesEverywhere) {
  const auto a = prepared("fvc2002-db1b", 101, 1);
  ASSERT_GT(a.minutiae.size(), 20u);
  const auto b = moved(a, 0.6f, 120, -80);
  const Consolidation c = consolidate(a, b, true_anchors(4));
  EXPECT_EQ(c.paired, static_cast<int>(a.minutiae.size()));
  EXPECT_GE(c.a_in_b, static_cast<int>(a.minutiae.size()) - 1);
  EXPECT_GE(c.b_in_a, static_cast<int>(a.minutiae.size()) - 1);
  EXPECT_GT(c.factor, 0.95f);
}

TEST(Consolidation, ToleranceGrowsAwayFromTheAnchors) {
  // 3 % stretch per 100 px: minutiae far from the anchors move by more than the base tolerance.
  const auto a = prepared("fvc2002-db1b", 102, 1);
  const auto b = moved(a, 0.2f, 10, 10, 0.0003f);
  const Consolidation c = consolidate(a, b, true_anchors(4));
  EXPECT_GT(c.paired, static_cast<int>(0.8 * a.minutiae.size()));
  EXPECT_GT(c.factor, 0.6f);
}

TEST(Consolidation, WrongAnchorsFindLittleAgreement) {
  const auto a = prepared("fvc2002-db1b", 103, 1);
  const auto b = moved(a, 0.0f, 0, 0);
  // Pair each minutia with a distant other one: the alignment they imply is wrong.
  const std::uint16_t n = static_cast<std::uint16_t>(a.minutiae.size());
  std::vector<AnchorPair> wrong{{0, static_cast<std::uint16_t>(n / 2), 1.0f}};
  EXPECT_LT(consolidate(a, b, wrong).factor, 0.3f);
  EXPECT_EQ(consolidate(a, b, {}).factor, 0.0f);
  EXPECT_EQ(consolidate(a, SearchTemplate{}, true_anchors(1)).factor, 0.0f);
}

// On real prints the factor separates: impressions of one finger agree across their common
// area far more than strangers that share a few local structures.
TEST(Consolidation, GenuinePairsAgreeMoreThanImpostorPairs) {
  double genuine = 0, impostor = 0;
  int ng = 0, ni = 0;
  for (int finger = 101; finger <= 106; ++finger) {
    const auto probe = prepared("fvc2002-db1b", finger, 1);
    for (int impression = 2; impression <= 3; ++impression) {
      genuine += match_detail(probe, prepared("fvc2002-db1b", finger, impression)).consolidation.factor;
      ++ng;
    }
    impostor += match_detail(probe, prepared("fvc2002-db1b", finger + 4 > 110 ? finger - 4 : finger + 4, 1))
                    .consolidation.factor;
    ++ni;
  }
  EXPECT_GT(genuine / ng, 3.0 * impostor / ni) << "genuine " << genuine / ng << ", impostor " << impostor / ni;
}

// Odd but valid templates (minutiae stacked on one point, or on one line, so the hull has no
// area) must give a finite score in [0, 1], never a crash or NaN.
TEST(Consolidation, DegenerateTemplatesGiveAFiniteScore) {
  FeatureTemplate stacked{300, 300, 3, {}}, line{300, 300, 3, {}};
  for (int i = 0; i < 30; ++i) {
    stacked.minutiae.push_back({150, 150, 0.2f * i, MinutiaType::kEnding, 50});
    line.minutiae.push_back({10 + 9 * i, 20 + 9 * i, 0.7f, i % 2 ? MinutiaType::kEnding : MinutiaType::kBifurcation, 50});
  }
  const auto real = prepared("fvc2002-db1b", 101, 1);
  for (const auto& t : {prepare(stacked), prepare(line)}) {
    for (const auto& [x, y] : {std::pair{&t, &real}, std::pair{&real, &t}, std::pair{&t, &t}}) {
      const MatchDetail d = match_detail(*x, *y);
      EXPECT_TRUE(std::isfinite(d.score));
      EXPECT_GE(d.score, 0.0f);
      EXPECT_LE(d.score, 1.0f);
      EXPECT_GE(d.consolidation.factor, 0.0f);
      EXPECT_LE(d.consolidation.factor, 1.0f);
    }
  }
}

TEST(Consolidation, ScoreIsTheRelaxedScoreScaledByTheFactor) {
  const auto a = prepared("fvc2002-db1b", 104, 1), b = prepared("fvc2002-db1b", 104, 2);
  const MatchDetail d = match_detail(a, b);
  EXPECT_GT(d.lss_r, 0.0f);
  EXPECT_LE(d.score, d.lss_r);
  EXPECT_FLOAT_EQ(d.score, match_templates(a, b));
  EXPECT_NEAR(d.score, d.lss_r * std::pow(d.consolidation.factor, parameters::consolidation_weight), 1e-6f);
}

}  // namespace
}  // namespace ektp::biometrics
