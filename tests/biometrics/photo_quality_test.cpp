// The photo rules on the real portraits in tests/data/faces, as taken and made into 3x4 pas
// foto crops, and on bad versions of those crops made with OpenCV.
#include "biometrics/photo_quality.h"

#include <algorithm>
#include <cstdlib>
#include <random>

#include "biometrics/capture_parameters.h"
#include "capture_test_images.h"
#include "support/test_support.h"

namespace ektp::biometrics {
namespace {

using testing::check;
using testing::face_rect;

std::vector<std::string> failed(const PhotoReport& r) { return failed_ids(r.checks); }

bool fails(const PhotoReport& r, std::string_view id) {
  const QualityCheck* c = find_check(r.checks, id);
  return c != nullptr && c->outcome == CheckOutcome::kFail;
}

bool passes(const PhotoReport& r, std::string_view id) {
  const QualityCheck* c = find_check(r.checks, id);
  return c != nullptr && c->outcome == CheckOutcome::kPass;
}

double value(const PhotoReport& r, std::string_view id) {
  const QualityCheck* c = find_check(r.checks, id);
  return c != nullptr ? c->value : -1.0;
}

using Ids = std::vector<std::string>;

// Each real photo as taken. Measured (Haar box at 640 px long side; face height / image height,
// |centre offset| / width, background spread / median grey, inner-face mean grey, sharpness):
//   astronaut  512x512   0.186  0.062  bg 46.7/179  face 179  sharp 193   (half body, flag)
//   grace      512x600   0.370  0.020  bg 95.6/99   face 146  sharp 1349  (flag, blue wall)
//   obama      910x1137  0.266  0.043  bg 51.1/95   face 146  sharp 671   (half body, flags)
//   obama2     626x1200  0.277  0.007  bg 93.4/59   face 136  sharp 468   (half body, flag)
//   biden2     1200x1200 0.444  0.059  bg 48.9/105  face 148  sharp 444   (painting)
//   biden      970x2204  0.148  0.101  bg 69.7/161  face 97   sharp 290   (full body)
//   obama3     1434x2333 0.139  0.056  bg 74.1/209  face 102  sharp 289   (full body)
// None is an ID photo: the half- and full-body shots are too small in the frame and every
// backdrop is busy. The face itself (exposure, sharpness, centring) passes everywhere.
struct AsTaken {
  const char* file;
  double face_centre_x;  // of the image width, from the measurement above
  Ids failed;
};

class RealPhotoAsTaken : public ::testing::TestWithParam<AsTaken> {};

TEST_P(RealPhotoAsTaken, OneFaceFoundAndTheRightRulesFail) {
  const AsTaken& c = GetParam();
  const cv::Mat photo = testing::face_photo(c.file);
  ASSERT_FALSE(photo.empty());
  auto report = check_photo(testing::face_photo_bytes(c.file), testing::face_detector());
  ASSERT_OK(report);
  EXPECT_EQ(report->width, photo.cols);
  EXPECT_EQ(report->height, photo.rows);
  EXPECT_EQ(report->faces, 1);
  ASSERT_TRUE(report->face.has_value());
  const double centre_x = (report->face->x + report->face->width / 2.0) / photo.cols;
  EXPECT_NEAR(centre_x, c.face_centre_x, 0.02);
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(failed(*report), c.failed);
  EXPECT_EQ(report->checks.size(), 11u);
}

INSTANTIATE_TEST_SUITE_P(
    Faces, RealPhotoAsTaken,
    ::testing::Values(
        AsTaken{"skimage_astronaut_eileen_collins.png", 0.438,
                {"face_too_small", "background_not_plain"}},
        AsTaken{"matplotlib_grace_hopper.jpg", 0.520,
                {"background_not_plain", "background_not_light"}},
        AsTaken{"ageitgey_obama.jpg", 0.543,
                {"face_too_small", "background_not_plain", "background_not_light"}},
        AsTaken{"ageitgey_obama2.jpg", 0.493,
                {"face_too_small", "background_not_plain", "background_not_light"}},
        AsTaken{"ageitgey_biden2.jpg", 0.559, {"background_not_plain", "background_not_light"}}));

// Full-body photos: the face is a seventh of the height. obama3.jpg and biden.jpg also give a
// weak false box (on the chest / the tie, 6 votes against 33-39, up to 85% of the face's height)
// that must not count as a second face.
TEST(PhotoQuality, FullBodyPhotosFailFaceTooSmallWithOneFace) {
  for (const char* file : {"ageitgey_obama3.jpg", "ageitgey_biden.jpg"}) {
    SCOPED_TRACE(file);
    auto report = check_photo(testing::face_photo_bytes(file), testing::face_detector());
    ASSERT_OK(report);
    EXPECT_EQ(report->faces, 1);
    EXPECT_TRUE(passes(*report, photo_rule::kMultipleFaces));
    EXPECT_TRUE(fails(*report, photo_rule::kFaceTooSmall));
    EXPECT_LT(value(*report, photo_rule::kFaceTooSmall), 0.16);
    EXPECT_TRUE(passes(*report, photo_rule::kFaceTooLarge));
    EXPECT_TRUE(passes(*report, photo_rule::kTooDark));
    EXPECT_TRUE(passes(*report, photo_rule::kBlurred));
  }
}

// A 3x4 pas foto made from each portrait: the person cut out onto a light studio wall, cropped
// with the face box at 45% of the height and the crown about 10% below the top. Measured on the
// crops: face 0.43-0.49, offset <= 0.01, background spread 4-7 and grey 210-211, face mean
// 136-179, sharpness 190-1400. With the real backdrop left in, the same crops have background
// spread 34-93 and grey 61-192.
// The cut-out (GrabCut) is the slow part, so each test below covers several variants.
class PasFoto : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    // GrabCut draws from OpenCV's global RNG: seed it so each case is the same alone or in a run.
    cv::setRNGSeed(static_cast<int>(seed_));
    const cv::Mat photo = testing::face_photo(GetParam());
    ASSERT_FALSE(photo.empty());
    const auto as_taken = check(photo);
    ASSERT_TRUE(as_taken.face.has_value());
    // A working size for GrabCut; the astronaut (512 px) keeps its 95 px face.
    const double scale = std::min(1.0, 520.0 / photo.rows);
    cv::resize(photo, photo_, cv::Size(), scale, scale, cv::INTER_AREA);
    const cv::Rect f = face_rect(as_taken);
    face_ = cv::Rect(static_cast<int>(f.x * scale), static_cast<int>(f.y * scale),
                     static_cast<int>(f.width * scale), static_cast<int>(f.height * scale));
    alpha_ = testing::person_alpha(photo_, face_);
    studio_ = testing::composite(photo_, alpha_, testing::studio_backdrop(photo_.size()));
    crop_ = testing::crop_3x4(studio_, face_, 0.45);
    const auto report = check(crop_);
    ASSERT_TRUE(report.face.has_value());
    crop_face_px_ = report.face->height;
  }

  // EKTP_GRABCUT_SEED overrides the seed, to check that the cut-outs do not hang on one lucky
  // seed (seeds 1-7 pass as well, alone and in a full run).
  std::uint64_t seed_ = std::getenv("EKTP_GRABCUT_SEED") != nullptr
                            ? std::strtoull(std::getenv("EKTP_GRABCUT_SEED"), nullptr, 10)
                            : 20261123;
  cv::Mat photo_;   // the real photo at working size
  cv::Rect face_;   // its face box
  cv::Mat alpha_;   // the person's cut-out
  cv::Mat studio_;  // the person on a studio wall, uncropped
  cv::Mat crop_;    // the 3x4 pas foto
  int crop_face_px_ = 0;
};

TEST_P(PasFoto, StudioCropPassesAndRealBackdropFailsOnlyBackgroundRules) {
  const auto report = check(crop_);
  EXPECT_TRUE(report.ok) << ::testing::PrintToString(failed(report));
  EXPECT_EQ(report.faces, 1);
  for (const auto& c : report.checks) {
    EXPECT_EQ(c.outcome, CheckOutcome::kPass) << c.id << " = " << c.value;
  }
  EXPECT_NEAR(value(report, photo_rule::kFaceTooSmall), 0.45, 0.05);

  const auto real = check(testing::crop_3x4(photo_, face_, 0.45));
  EXPECT_TRUE(fails(real, photo_rule::kBackgroundNotPlain));
  EXPECT_GT(value(real, photo_rule::kBackgroundNotPlain), 30.0);
  for (const auto& id : failed(real)) {
    EXPECT_TRUE(id == photo_rule::kBackgroundNotPlain || id == photo_rule::kBackgroundNotLight)
        << id;
  }
}

TEST_P(PasFoto, FramingRules) {
  {
    SCOPED_TRACE("tight crop: face too large");
    const auto report = check(testing::crop_3x4(studio_, face_, 0.75));
    ASSERT_EQ(report.faces, 1);
    EXPECT_TRUE(fails(report, photo_rule::kFaceTooLarge));
    EXPECT_TRUE(passes(report, photo_rule::kFaceTooSmall));
  }
  {
    SCOPED_TRACE("much backdrop around: face too small");
    const auto report = check(testing::crop_3x4(studio_, face_, 0.2));
    ASSERT_EQ(report.faces, 1);
    EXPECT_EQ(failed(report), Ids{"face_too_small"});
  }
  {
    // Framed a little wider, so that the whole head stays in the picture.
    SCOPED_TRACE("face centre at 30% of the width: off centre");
    const auto report = check(testing::crop_3x4(studio_, face_, 0.38, 0.30));
    ASSERT_EQ(report.faces, 1);
    EXPECT_EQ(failed(report), Ids{"face_off_centre"});
    EXPECT_NEAR(value(report, photo_rule::kFaceOffCentre), 0.20, 0.04);
  }
  {
    SCOPED_TRACE("shrunk so the face box is 60 px: resolution too low");
    const double shrink = 60.0 / crop_face_px_;
    cv::Mat small;
    cv::resize(crop_, small, cv::Size(), shrink, shrink, cv::INTER_AREA);
    const auto report = check(small);
    ASSERT_EQ(report.faces, 1);
    EXPECT_TRUE(fails(report, photo_rule::kFaceResolutionLow));
    EXPECT_TRUE(passes(report, photo_rule::kFaceTooSmall));
    EXPECT_TRUE(passes(report, photo_rule::kFaceOffCentre));
  }
  {
    SCOPED_TRACE("two people side by side: multiple faces");
    cv::Mat two;
    cv::hconcat(crop_, crop_, two);
    const auto report = check(two);
    EXPECT_EQ(report.faces, 2);
    EXPECT_TRUE(fails(report, photo_rule::kMultipleFaces));
    EXPECT_TRUE(passes(report, photo_rule::kNoFace));
  }
}

TEST_P(PasFoto, ExposureSharpnessAndBackgroundRules) {
  {
    SCOPED_TRACE("darkened to 30%: too dark");
    cv::Mat dark;
    crop_.convertTo(dark, -1, 0.3, 0);
    const auto report = check(dark);
    ASSERT_EQ(report.faces, 1);
    EXPECT_TRUE(fails(report, photo_rule::kTooDark));
    EXPECT_TRUE(passes(report, photo_rule::kTooBright));
    EXPECT_TRUE(passes(report, photo_rule::kFaceTooSmall));
  }
  {
    SCOPED_TRACE("brightened by 110 grey levels: too bright");
    cv::Mat bright;
    crop_.convertTo(bright, -1, 1.0, 110);
    const auto report = check(bright);
    ASSERT_EQ(report.faces, 1);
    EXPECT_TRUE(fails(report, photo_rule::kTooBright));
    EXPECT_TRUE(passes(report, photo_rule::kTooDark));
  }
  {
    SCOPED_TRACE("Gaussian blur, sigma 2.5 px at the 128 px face scale: blurred");
    cv::Mat blurred;
    cv::GaussianBlur(crop_, blurred, cv::Size(), 2.5 * crop_face_px_ / capture::face_sharpness_px);
    const auto report = check(blurred);
    ASSERT_EQ(report.faces, 1);
    EXPECT_TRUE(fails(report, photo_rule::kBlurred));
    EXPECT_LT(value(report, photo_rule::kBlurred), value(check(crop_), photo_rule::kBlurred) / 5);
    EXPECT_TRUE(passes(report, photo_rule::kFaceTooSmall));
    EXPECT_TRUE(passes(report, photo_rule::kTooDark));
  }
  {
    // A dark jilbab framing the face (drawn on the wall behind the person, down to the
    // shoulders) belongs to the person, not to the background.
    SCOPED_TRACE("headscarf: background still plain and light");
    cv::Mat wall = testing::studio_backdrop(photo_.size());
    const cv::Point centre(face_.x + face_.width / 2, face_.y + face_.height * 45 / 100);
    const cv::Scalar cloth(60, 50, 45);
    cv::ellipse(wall, centre, cv::Size(face_.width * 72 / 100, face_.height * 95 / 100), 0, 0, 360,
                cloth, cv::FILLED);
    const int chin = face_.y + face_.height;
    const std::vector<cv::Point> drape = {{centre.x - face_.width * 65 / 100, chin - face_.height / 4},
                                          {centre.x + face_.width * 65 / 100, chin - face_.height / 4},
                                          {centre.x + face_.width * 3 / 2, wall.rows},
                                          {centre.x - face_.width * 3 / 2, wall.rows}};
    cv::fillConvexPoly(wall, drape, cloth);
    const auto report = check(testing::crop_3x4(testing::composite(photo_, alpha_, wall), face_, 0.45));
    EXPECT_TRUE(report.ok) << ::testing::PrintToString(failed(report));
  }
  {
    SCOPED_TRACE("cut out onto dark clutter: background neither plain nor light");
    const cv::Mat busy =
        testing::composite(photo_, alpha_, testing::cluttered_backdrop(photo_.size()));
    const auto report = check(testing::crop_3x4(busy, face_, 0.45));
    EXPECT_EQ(failed(report), (Ids{"background_not_plain", "background_not_light"}));
  }
}

INSTANTIATE_TEST_SUITE_P(Faces, PasFoto,
                         ::testing::Values("skimage_astronaut_eileen_collins.png",
                                           "matplotlib_grace_hopper.jpg", "ageitgey_obama.jpg",
                                           "ageitgey_obama2.jpg", "ageitgey_biden2.jpg"));

TEST(PhotoQuality, PlainGreyImageFailsNoFaceAndSkipsTheFaceRules) {
  const cv::Mat grey(480, 360, CV_8UC3, cv::Scalar(180, 180, 180));
  const auto report = check(grey);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.faces, 0);
  EXPECT_FALSE(report.face.has_value());
  EXPECT_EQ(failed(report), Ids{"no_face"});
  EXPECT_TRUE(passes(report, photo_rule::kMultipleFaces));
  int skipped_count = 0;
  for (const auto& c : report.checks) skipped_count += c.outcome == CheckOutcome::kSkipped;
  EXPECT_EQ(skipped_count, 9);
  EXPECT_EQ(report.checks.size(), 11u);
  EXPECT_FALSE(find_check(report.checks, photo_rule::kBlurred)->message.empty());
}

TEST(PhotoQuality, ReportsFaceInPhotoPixelsForLargePhotos) {
  // biden2 is 1200 px: detection runs at 640 px, the box is reported at full size.
  auto report =
      check_photo(testing::face_photo_bytes("ageitgey_biden2.jpg"), testing::face_detector());
  ASSERT_OK(report);
  ASSERT_TRUE(report->face.has_value());
  EXPECT_NEAR(report->face->height, 533, 10);
  EXPECT_NEAR(report->face->x, 405, 10);
}

TEST(PhotoQuality, MessagesAreBahasaIndonesia) {
  const auto report = check(cv::Mat(300, 300, CV_8UC3, cv::Scalar(100, 100, 100)));
  EXPECT_EQ(find_check(report.checks, photo_rule::kNoFace)->message,
            "Tidak ada wajah yang terdeteksi.");
}

// --- Bad input: refused with kInvalidArgument, never a crash ---

TEST(PhotoQuality, RefusesEmptyAndNonImageBytes) {
  const auto& detector = testing::face_detector();
  EXPECT_ERROR(check_photo({}, detector), ErrorCode::kInvalidArgument,
               "photo: not a JPEG or PNG image");
  std::mt19937 rng(11);
  std::vector<std::uint8_t> noise(4000);
  for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
  EXPECT_ERROR(check_photo(noise, detector), ErrorCode::kInvalidArgument,
               "photo: not a JPEG or PNG image");
  const std::string text = "GIF89a this is not a photo";
  const std::span gif(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  EXPECT_ERROR(check_photo(gif, detector),
               ErrorCode::kInvalidArgument, "not a JPEG or PNG");
}

TEST(PhotoQuality, RefusesTruncatedJpegAndPng) {
  const auto& detector = testing::face_detector();
  const auto jpeg = testing::face_photo_bytes("matplotlib_grace_hopper.jpg");
  for (std::size_t cut : {std::size_t{2}, std::size_t{300}, jpeg.size() / 2, jpeg.size() - 2}) {
    SCOPED_TRACE(cut);
    const std::span part(jpeg.data(), cut);
    EXPECT_ERROR(check_photo(part, detector), ErrorCode::kInvalidArgument, "photo: ");
  }
  const auto png = testing::face_photo_bytes("skimage_astronaut_eileen_collins.png");
  for (std::size_t cut : {std::size_t{20}, std::size_t{200}, png.size() / 2}) {
    SCOPED_TRACE(cut);
    const std::span part(png.data(), cut);
    EXPECT_ERROR(check_photo(part, detector), ErrorCode::kInvalidArgument, "photo: ");
  }
}

// A PNG that claims 20000 x 20000 px in 33 bytes: refused on the header, before any decoder
// would allocate 1.2 GB for it.
TEST(PhotoQuality, RefusesPngHeaderClaimingHugeImage) {
  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',  // signature
                                   0, 0, 0, 13, 'I', 'H', 'D', 'R',             // IHDR chunk
                                   0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20,          // 20000 x 20000
                                   8, 2, 0, 0, 0,                               // 8-bit RGB
                                   0, 0, 0, 0};                                 // CRC (unchecked)
  EXPECT_ERROR(check_photo(png, testing::face_detector()), ErrorCode::kInvalidArgument,
               "20000x20000 px; each side must be at most 6000");
}

// A JPEG whose frame header (SOF0) claims 20000 x 20000 px, with an APP0 segment before it.
TEST(PhotoQuality, RefusesJpegFrameHeaderClaimingHugeImage) {
  std::vector<std::uint8_t> jpeg = {0xFF, 0xD8,                                  // SOI
                                    0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0,     // APP0
                                    1, 1, 0, 0, 1, 0, 1, 0, 0,
                                    0xFF, 0xC0, 0, 17, 8, 0x4E, 0x20, 0x4E, 0x20, 3,  // SOF0
                                    1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
                                    0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0,  // SOS
                                    0x12, 0x34, 0xFF, 0xD9};                     // data, EOI
  EXPECT_ERROR(check_photo(jpeg, testing::face_detector()), ErrorCode::kInvalidArgument,
               "20000x20000 px; each side must be at most 6000");
  // 6000 x 5000 keeps each side within limits but is 30 MP.
  jpeg[25] = 0x13; jpeg[26] = 0x88;  // height 5000
  jpeg[27] = 0x17; jpeg[28] = 0x70;  // width 6000
  EXPECT_ERROR(check_photo(jpeg, testing::face_detector()), ErrorCode::kInvalidArgument,
               "the limit is 24000000 pixels");
}

TEST(PhotoQuality, RefusesFilesOverTheByteLimit) {
  std::vector<std::uint8_t> big = testing::face_photo_bytes("matplotlib_grace_hopper.jpg");
  big.resize(capture::image_bytes_max + 1, 0);
  EXPECT_ERROR(check_photo(big, testing::face_detector()), ErrorCode::kInvalidArgument,
               "the limit is");
}

TEST(PhotoQuality, RefusesTinyImages) {
  const cv::Mat tiny(40, 30, CV_8UC3, cv::Scalar(200, 200, 200));
  EXPECT_ERROR(check_photo(testing::encode(tiny), testing::face_detector()),
               ErrorCode::kInvalidArgument, "at least 64 px");
}

// Mutated headers of a real JPEG and a PNG: each gives a report or an error, never a crash.
TEST(PhotoQuality, MutatedPhotosNeverCrash) {
  const cv::Mat photo = testing::face_photo("matplotlib_grace_hopper.jpg");
  cv::Mat small;
  cv::resize(photo, small, cv::Size(128, 150), 0, 0, cv::INTER_AREA);
  std::mt19937 rng(2024);
  for (const auto& original : {testing::encode(small, ".jpg"), testing::encode(small, ".png")}) {
    for (int i = 0; i < 150; ++i) {
      std::vector<std::uint8_t> m = original;
      const std::size_t head = std::min<std::size_t>(m.size(), 400);
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) {
        m[rng() % head] = static_cast<std::uint8_t>(rng());
      }
      auto report = check_photo(m, testing::face_detector());
      if (report) {
        EXPECT_EQ(report->checks.size(), 11u);
      } else {
        EXPECT_EQ(report.error().code, ErrorCode::kInvalidArgument) << report.error().message;
      }
    }
  }
}

}  // namespace
}  // namespace ektp::biometrics
