#include "biometrics/rescale.h"

#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

GreyImage stripes(int w, int h) {
  GreyImage g{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) g.pixels[static_cast<std::size_t>(y) * w + x] = (x / 10) % 2 ? 200 : 50;
  return g;
}

TEST(Rescale, KeepsImagesAlreadyAt500ppi) {
  auto out = rescale_to_500ppi(stripes(100, 80), 500);
  ASSERT_OK(out);
  EXPECT_EQ(out->width, 100);
  EXPECT_EQ(out->pixels, stripes(100, 80).pixels);
}

TEST(Rescale, ShrinksA569ppiImageProportionally) {
  auto out = rescale_to_500ppi(stripes(296, 560), 569);
  ASSERT_OK(out);
  EXPECT_EQ(out->width, 260);
  EXPECT_EQ(out->height, 492);
  // Uniform areas keep their grey level.
  EXPECT_NEAR(out->at(2, 10), 50, 2);
}

TEST(Rescale, EnlargesA250ppiImage) {
  auto out = rescale_to_500ppi(stripes(100, 100), 250);
  ASSERT_OK(out);
  EXPECT_EQ(out->width, 200);
  EXPECT_NEAR(out->at(25, 25), 200, 2);
}

TEST(Rescale, RejectsBadResolutionAndEmptyImage) {
  EXPECT_ERROR(rescale_to_500ppi(stripes(100, 100), 0), ErrorCode::kInvalidArgument, "dpi");
  EXPECT_ERROR(rescale_to_500ppi(stripes(100, 100), 5000), ErrorCode::kInvalidArgument, "dpi");
  EXPECT_ERROR(rescale_to_500ppi(GreyImage{}, 500), ErrorCode::kInvalidArgument, "empty");
}

}  // namespace
}  // namespace ektp::biometrics
