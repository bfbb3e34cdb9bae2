#include "biometrics/face_detector.h"

#include <thread>

#include "capture_test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

GreyImage grey_of(const cv::Mat& colour) {
  cv::Mat grey;
  cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
  GreyImage out{grey.cols, grey.rows, {}};
  out.pixels.assign(grey.datastart, grey.dataend);
  return out;
}

TEST(FaceDetector, RefusesTextThatIsNotACascade) {
  EXPECT_ERROR(FaceDetector::from_cascade_xml(""), ErrorCode::kInvalidArgument, "empty");
  EXPECT_ERROR(FaceDetector::from_cascade_xml("not xml at all <<<"), ErrorCode::kInvalidArgument,
               "cascade");
  EXPECT_ERROR(FaceDetector::from_cascade_xml(
                   "<?xml version=\"1.0\"?><opencv_storage><x>1</x></opencv_storage>"),
               ErrorCode::kInvalidArgument, "not an OpenCV cascade");
}

TEST(FaceDetector, FindsTheFaceStrongestFirst) {
  // grace_hopper.jpg at full size (512x600): one strong face around (155,105), 222 px.
  const GreyImage grace = grey_of(testing::face_photo("matplotlib_grace_hopper.jpg"));
  auto faces = testing::face_detector().detect(grace);
  ASSERT_OK(faces);
  ASSERT_FALSE(faces->empty());
  const FaceBox& best = faces->front();
  EXPECT_NEAR(best.x, 155, 12);
  EXPECT_NEAR(best.y, 105, 12);
  EXPECT_NEAR(best.height, 222, 15);
  EXPECT_GE(best.votes, 20);
  for (const auto& other : *faces) EXPECT_LE(other.votes, best.votes);
}

TEST(FaceDetector, RefusesEmptyImage) {
  EXPECT_ERROR(testing::face_detector().detect(GreyImage{}), ErrorCode::kInvalidArgument, "empty");
  const GreyImage inconsistent{100, 100, std::vector<std::uint8_t>(10)};
  EXPECT_ERROR(testing::face_detector().detect(inconsistent), ErrorCode::kInvalidArgument, "grey");
}

// Calls from several threads are serialised inside the detector and give the same answer.
TEST(FaceDetector, ConcurrentCallsAgree) {
  cv::Mat photo = testing::face_photo("skimage_astronaut_eileen_collins.png");
  const GreyImage grey = grey_of(photo);
  auto expected = testing::face_detector().detect(grey);
  ASSERT_OK(expected);
  ASSERT_FALSE(expected->empty());
  std::vector<std::vector<FaceBox>> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        auto faces = testing::face_detector().detect(grey);
        if (faces) results[t] = *faces;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& faces : results) {
    ASSERT_EQ(faces.size(), expected->size());
    EXPECT_EQ(faces.front().x, expected->front().x);
    EXPECT_EQ(faces.front().votes, expected->front().votes);
  }
}

}  // namespace
}  // namespace ektp::biometrics
