#include "biometrics/image_io.h"

#include <random>

#include "biometrics/parameters.h"
#include "test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

TEST(ImageIo, DecodesRealTiff) {
  auto bytes = testing::read_bytes(testing::fingerprint_path("fvc2002-db1b", 101, 1));
  ASSERT_FALSE(bytes.empty());
  auto image = decode_image(bytes);
  ASSERT_OK(image);
  EXPECT_EQ(image->width, 388);
  EXPECT_EQ(image->height, 374);
  EXPECT_EQ(image->pixels.size(), 388u * 374u);
}

TEST(ImageIo, PngRoundTripKeepsPixels) {
  GreyImage g{80, 70, std::vector<std::uint8_t>(80 * 70)};
  for (std::size_t i = 0; i < g.pixels.size(); ++i) g.pixels[i] = static_cast<std::uint8_t>(i * 7);
  auto png = encode_png(g);
  ASSERT_OK(png);
  auto back = decode_image(*png);
  ASSERT_OK(back);
  EXPECT_EQ(back->pixels, g.pixels);
}

TEST(ImageIo, RejectsEmptyAndRandomBytes) {
  EXPECT_ERROR(decode_image({}), ErrorCode::kInvalidArgument, "empty");
  std::mt19937 rng(7);
  std::vector<std::uint8_t> noise(5000);
  for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
  EXPECT_ERROR(decode_image(noise), ErrorCode::kInvalidArgument, "decode");
}

TEST(ImageIo, RejectsTruncatedImages) {
  auto bytes = testing::read_bytes(testing::fingerprint_path("fvc2002-db1b", 101, 1));
  for (std::size_t cut : {std::size_t{8}, std::size_t{100}, bytes.size() / 3}) {
    std::vector<std::uint8_t> part(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
    auto image = decode_image(part);
    EXPECT_FALSE(image.has_value()) << "cut at " << cut;
  }
}

TEST(ImageIo, RejectsTinyAndHugeDimensions) {
  GreyImage tiny{10, 10, std::vector<std::uint8_t>(100, 128)};
  auto png = encode_png(tiny);
  ASSERT_OK(png);
  EXPECT_ERROR(decode_image(*png), ErrorCode::kInvalidArgument, "px");
  // A PNG header that claims 100000 x 100000 pixels is refused before decoding.
  std::vector<std::uint8_t> header = *png;
  header[16] = 0x00; header[17] = 0x01; header[18] = 0x86; header[19] = 0xA0;
  EXPECT_ERROR(decode_image(header), ErrorCode::kInvalidArgument, "exceed");
}

TEST(ImageIo, RejectsOversizedInput) {
  std::vector<std::uint8_t> big(parameters::image_bytes_max + 1, 0);
  EXPECT_ERROR(decode_image(big), ErrorCode::kInvalidArgument, "limit");
}

TEST(ImageIo, EncodeRejectsEmptyImage) {
  EXPECT_ERROR(encode_png(GreyImage{}), ErrorCode::kInvalidArgument, "empty");
}

}  // namespace
}  // namespace ektp::biometrics

namespace ektp::biometrics {
namespace {

// Malformed images must give errors, never crashes: mutated TIFF and PNG bytes.
TEST(ImageIo, MutatedImagesNeverCrash) {
  auto tiff = testing::read_bytes(testing::fingerprint_path("fvc2002-db3b", 101, 1));
  GreyImage g{96, 96, std::vector<std::uint8_t>(96 * 96, 77)};
  auto png = encode_png(g);
  ASSERT_OK(png);
  std::mt19937 rng(1234);
  int decoded = 0;
  for (const auto* original : {&tiff, &*png}) {
    for (int i = 0; i < 300; ++i) {
      std::vector<std::uint8_t> m = *original;
      const std::size_t head = std::min<std::size_t>(m.size(), 512);
      for (int k = 0; k < 1 + static_cast<int>(rng() % 6); ++k) m[rng() % head] = static_cast<std::uint8_t>(rng());
      if (rng() % 3 == 0) m.resize(rng() % m.size());
      auto image = decode_image(m);
      if (image) {
        ++decoded;
        EXPECT_EQ(image->pixels.size(), static_cast<std::size_t>(image->width) * image->height);
      }
    }
  }
  SUCCEED() << decoded << " mutants still decoded";
}

}  // namespace
}  // namespace ektp::biometrics

namespace ektp::biometrics {
namespace {

TEST(ImageIo, DecodesPgmAndBmp) {
  constexpr int kW = 70, kH = 66;
  std::string header = "P5\n70 66\n255\n";
  std::vector<std::uint8_t> pgm(header.begin(), header.end());
  for (int i = 0; i < kW * kH; ++i) pgm.push_back(static_cast<std::uint8_t>(i % 251));
  auto a = decode_image(pgm);
  ASSERT_OK(a);
  EXPECT_EQ(a->width, kW);
  EXPECT_EQ(a->at(5, 0), 5);

  // 24-bit BMP, bottom-up rows padded to 4 bytes, grey pixels.
  const int row = (kW * 3 + 3) / 4 * 4;
  const std::uint32_t size = 54 + static_cast<std::uint32_t>(row * kH);
  std::vector<std::uint8_t> bmp(size, 0);
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) bmp[at + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(v >> (8 * k));
  };
  bmp[0] = 'B';
  bmp[1] = 'M';
  put32(2, size);
  put32(10, 54);
  put32(14, 40);
  put32(18, kW);
  put32(22, kH);
  bmp[26] = 1;
  bmp[28] = 24;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW * 3; ++x) bmp[54 + static_cast<std::size_t>((kH - 1 - y) * row + x)] = static_cast<std::uint8_t>(y * 3);
  auto b = decode_image(bmp);
  ASSERT_OK(b);
  EXPECT_EQ(b->height, kH);
  EXPECT_EQ(b->at(10, 20), 60);
}

}  // namespace
}  // namespace ektp::biometrics
