#include "biometrics/extractor.h"

#include <map>

#include "biometrics/trace.h"
#include "test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

struct RecordingSink : TraceSink {
  std::map<std::string, std::pair<int, int>, std::less<>> seen;
  bool accepts(std::string_view) const override { return true; }
  void take(std::string_view key, const GreyImage& image) override {
    seen[std::string(key)] = {image.width, image.height};
  }
};

TEST(Extractor, RealImagesGiveRealisticMinutiaCounts) {
  for (const char* set : {"fvc2002-db1b", "fvc2002-db3b", "fvc2004-db1b"}) {
    auto t = extract(testing::load_image(set, 102, 3), 500);
    ASSERT_OK(t);
    EXPECT_GE(t->minutiae.size(), 12u) << set;
    EXPECT_LE(t->minutiae.size(), 100u) << set;
  }
}

TEST(Extractor, RescalesFrom569ppi) {
  auto t = extract(testing::load_image("fvc2002-db2b", 101, 1), 569);
  ASSERT_OK(t);
  EXPECT_EQ(t->width_px, 260);
  EXPECT_GT(t->minutiae.size(), 15u);
}

TEST(Extractor, OffersEveryStageToTheSink) {
  RecordingSink sink;
  ASSERT_OK(extract(testing::load_image("fvc2002-db1b", 101, 1), 500, &sink));
  for (auto key : {kTraceScaledImage, kTraceSegmentationMask, kTraceOrientation, kTraceInterimEnhanced,
                   kTraceRefinedOrientation, kTraceRefinedFrequency, kTraceEnhanced, kTraceSkeleton,
                   kTraceMinutiae}) {
    ASSERT_TRUE(sink.seen.contains(key)) << key;
    EXPECT_EQ(sink.seen.find(key)->second.first, 388);
  }
}

TEST(Extractor, RejectsBadInput) {
  EXPECT_ERROR(extract(GreyImage{}, 500), ErrorCode::kInvalidArgument, "empty");
  GreyImage mismatched{100, 100, std::vector<std::uint8_t>(10)};
  EXPECT_ERROR(extract(mismatched, 500), ErrorCode::kInvalidArgument, "buffer");
  GreyImage blank{200, 200, std::vector<std::uint8_t>(40000, 255)};
  EXPECT_ERROR(extract(blank, 500), ErrorCode::kFailedPrecondition, "no fingerprint");
  EXPECT_ERROR(extract(testing::load_image("fvc2002-db1b", 101, 1), 7), ErrorCode::kInvalidArgument, "dpi");
}

}  // namespace
}  // namespace ektp::biometrics
