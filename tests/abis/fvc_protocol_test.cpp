#include "abis/fvc_protocol.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "abis/det_plot.h"
#include "biometrics/image_io.h"
#include "support/test_support.h"

namespace ektp::abis {
namespace {

std::vector<FvcImage> images(int fingers, int impressions) {
  std::vector<FvcImage> out;
  for (int f = 101; f < 101 + fingers; ++f)
    for (int i = 1; i <= impressions; ++i) {
      const auto path = std::filesystem::path(EKTP_TEST_DATA_DIR) / "fingerprints/fvc2002-db1b" /
                        (std::to_string(f) + "_" + std::to_string(i) + ".tif");
      std::ifstream in(path, std::ios::binary);
      std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      auto image = biometrics::decode_image(bytes);
      out.push_back({f, i, image ? *image : biometrics::GreyImage{}});
    }
  return out;
}

TEST(FvcProtocol, CountsPairsTheFvcWay) {
  const auto set = images(3, 3);
  const auto fvc = run_fvc(set, 500, ImpostorPairs::kFirstImpressions);
  EXPECT_EQ(fvc.genuine.size(), 9u);   // 3 fingers x C(3,2)
  EXPECT_EQ(fvc.impostor.size(), 3u);  // C(3,2) first impressions
  const auto all = run_fvc(set, 500, ImpostorPairs::kAll);
  EXPECT_EQ(all.impostor.size(), 27u);  // C(9,2) - 9 genuine
  EXPECT_EQ(all.failures_to_extract, 0);
  EXPECT_LT(all.rates.eer, 0.35);
}

TEST(FvcProtocol, FailuresToExtractScoreZero) {
  auto set = images(2, 2);
  set[0].image = biometrics::GreyImage{};
  const auto r = run_fvc(set, 500, ImpostorPairs::kAll);
  EXPECT_EQ(r.failures_to_extract, 1);
  EXPECT_EQ(r.genuine[0], 0.0f);
}

TEST(DetPlot, RendersAPng) {
  auto png = render_det_png({{0.5, 0.01}, {0.01, 0.1}, {0.0001, 0.5}}, "test");
  ASSERT_OK(png);
  ASSERT_GT(png->size(), 100u);
  EXPECT_EQ((*png)[1], 'P');
}

TEST(DetPlot, DrawsSeveralCurvesWithALegend) {
  const std::vector<biometrics::DetPoint> a{{0.5, 0.01}, {0.01, 0.1}, {0.0001, 0.5}};
  const std::vector<biometrics::DetPoint> b{{0.3, 0.001}, {0.001, 0.05}, {0.00001, 0.3}};
  auto one = render_det_png(std::vector<DetSeries>{{"a  EER 5%", a}}, "t");
  auto two = render_det_png(std::vector<DetSeries>{{"a  EER 5%", a}, {"b  EER 1%", b}}, "t");
  ASSERT_OK(one);
  ASSERT_OK(two);
  EXPECT_NE(*one, *two);  // the second curve and its legend line are drawn
  EXPECT_FALSE(render_det_png(std::vector<DetSeries>{}, "t").has_value());
  EXPECT_FALSE(render_det_png(std::vector<DetSeries>(det_series_max + 1, DetSeries{"x", a}), "t").has_value());
}

}  // namespace
}  // namespace ektp::abis
