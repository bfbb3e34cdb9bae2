// Loading a person's chip biometrics from the registry, on SQLite and PostgreSQL: the newest
// enrollment with a photo and a signature, the photo made a JPEG that fits DG2 (a small JPEG kept
// as it is, a PNG or a large photo re-encoded and scaled down), the signature PNG, and the chosen
// fingers as ISO/IEC 19794-2 records (a real FVC2002 print; a thumb standing in for a missing
// index finger) — and what it refuses.
#include "card/lds_biometric_source.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "biometrics/iso19794.h"
#include "biometrics/template_format.h"
#include "store/migrations.h"
#include "support/card_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::int64_t kNowMs = 1'796'300'000'000;  // 2026-12-03
constexpr std::string_view kNik = "3327010101900001";

// A photo-sized image with detail (stripes and a gradient) that a JPEG of 32 KB cannot hold at
// full size.
Bytes photo(int width, int height, const std::string& ext) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const auto v = static_cast<std::uint8_t>(((x / 3 + y / 5) % 2) * 160 + (x * 90 / width));
      image.at<cv::Vec3b>(y, x) = {v, static_cast<std::uint8_t>(255 - v), static_cast<std::uint8_t>((x ^ y) & 0xFF)};
    }
  }
  Bytes out;
  EXPECT_TRUE(cv::imencode(ext, image, out));
  return out;
}

class ChipBiometricSourceTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
  }

  Result<ChipBiometrics> load(std::string_view nik = kNik) {
    auto conn = db().connect();
    if (!conn) return std::unexpected(conn.error());
    return load_chip_biometrics(**conn, nik);
  }

  // An enrollment of kNik with `fingers` (and the tiny PNG photo and signature).
  void enroll(const std::string& id, std::vector<registry::FingerCapture> fingers, std::int64_t captured_ms,
              registry::EnrollmentStatus status = registry::EnrollmentStatus::kReadyToPrint) {
    registry::Enrollment e;
    e.enrollment_id = id;
    e.nik = std::string(kNik);
    e.station_id = "st-332701";
    e.operator_name = "operator";
    e.captured_at_ms = captured_ms;
    e.modalities = {"fingerprint", "face"};
    e.photo = test::tiny_png();
    e.photo_mime = "image/png";
    e.photo_sha256 = registry::bytes_sha256(e.photo);
    e.signature = test::tiny_png();
    e.signature_sha256 = registry::bytes_sha256(e.signature);
    e.fingers = std::move(fingers);
    auto done = store::with_write_transaction<bool>(db(), [&](store::Connection& c) -> Result<bool> {
      EKTP_RETURN_IF_ERROR(registry::insert_enrollment(c, e));
      EKTP_RETURN_IF_ERROR(registry::set_enrollment_status(c, id, status, captured_ms + 1000, ""));
      return true;
    });
    ASSERT_OK(done);
  }
};

TEST_P(ChipBiometricSourceTest, TheNewestEnrollmentsPhotoSignatureAndRightIndex) {
  test::insert_ready_enrollment(db(), std::string(kNik), kNowMs);
  auto chip = load();
  ASSERT_OK(chip);
  EXPECT_EQ(chip->enrollment_id, "enr-" + std::string(kNik));
  // The 4×5 PNG photo became a 4×5 JPEG.
  EXPECT_EQ(chip->face.width, 4);
  EXPECT_EQ(chip->face.height, 5);
  auto frame = jpeg_frame(chip->face.jpeg);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->width, 4);
  EXPECT_EQ(chip->signature_png, test::tiny_png());
  // Only the right index is enrolled: the chip carries just it.
  ASSERT_EQ(chip->fingers.size(), 1u);
  EXPECT_EQ(chip->fingers.front().position, kRightIndex);
  auto decoded = biometrics::decode_iso19794_2(chip->fingers.front().record);
  ASSERT_OK(decoded);
  EXPECT_GT(decoded->minutiae.size(), 10u);

  // All three data groups are made and read back.
  auto dg2 = encode_dg2(chip->face.jpeg, chip->face.width, chip->face.height);
  ASSERT_OK(dg2);
  auto face = parse_dg2(*dg2);
  ASSERT_OK(face);
  EXPECT_EQ(face->jpeg, chip->face.jpeg);
  auto dg3 = encode_dg3(chip->fingers);
  ASSERT_OK(dg3);
  auto fingers = parse_dg3(*dg3);
  ASSERT_OK(fingers);
  ASSERT_EQ(fingers->size(), 1u);
  EXPECT_EQ(fingers->front().record, chip->fingers.front().record);
  auto dg7 = encode_dg7(chip->signature_png);
  ASSERT_OK(dg7);
  EXPECT_EQ(*parse_dg7(*dg7), test::tiny_png());
}

TEST_P(ChipBiometricSourceTest, AThumbStandsInForAMissingIndexFinger) {
  enroll("enr-old", test::one_real_finger(kRightIndex, "101_1.tif"), kNowMs - 5000);
  enroll("enr-new", test::one_real_finger(kRightThumb, "101_2.tif"), kNowMs);
  enroll("enr-dup", test::one_real_finger(kRightIndex, "102_1.tif"), kNowMs + 5000,
         registry::EnrollmentStatus::kDuplicate);  // newest, but decided a duplicate: passed over
  auto chip = load();
  ASSERT_OK(chip);
  EXPECT_EQ(chip->enrollment_id, "enr-new");
  ASSERT_EQ(chip->fingers.size(), 1u);
  EXPECT_EQ(chip->fingers.front().position, kRightThumb);
  EXPECT_EQ(chip->fingers.front().record[24], kRightThumb);
  auto dg3 = encode_dg3(chip->fingers);
  ASSERT_OK(dg3);
  auto back = parse_dg3(*dg3);
  ASSERT_OK(back);
  EXPECT_EQ(back->front().position, kRightThumb);
}

TEST_P(ChipBiometricSourceTest, ASmallJpegIsKeptALargePhotoScaledDown) {
  EXPECT_OK(chip_face(test::tiny_png()));

  const Bytes small = photo(90, 120, ".jpg");
  ASSERT_LE(small.size(), kFaceJpegBytesMax);
  auto kept = chip_face(small);
  ASSERT_OK(kept);
  EXPECT_EQ(kept->jpeg, small);
  EXPECT_EQ(kept->width, 90);
  EXPECT_EQ(kept->height, 120);

  const Bytes large = photo(1200, 1600, ".png");
  ASSERT_GT(large.size(), kFaceJpegBytesMax);
  test::insert_ready_enrollment(db(), std::string(kNik), kNowMs, "101_1.tif", large);
  auto chip = load();
  ASSERT_OK(chip);
  EXPECT_LE(chip->face.jpeg.size(), kFaceJpegBytesMax);
  EXPECT_LE(chip->face.width, kChipFaceWidthMax);
  EXPECT_NEAR(static_cast<double>(chip->face.height) / chip->face.width, 4.0 / 3.0, 0.01);  // the aspect kept
  auto frame = jpeg_frame(chip->face.jpeg);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->width, chip->face.width);
  EXPECT_EQ(frame->height, chip->face.height);
  EXPECT_OK(encode_dg2(chip->face.jpeg, chip->face.width, chip->face.height));
}

TEST_P(ChipBiometricSourceTest, ASignatureTooLargeIsShrunkAndNoImageIsRefused) {
  const Bytes big = photo(900, 300, ".png");
  ASSERT_GT(big.size(), kSignatureImageBytesMax);
  auto shrunk = chip_signature(big);
  ASSERT_OK(shrunk);
  EXPECT_LE(shrunk->size(), kSignatureImageBytesMax);
  EXPECT_OK(encode_dg7(*shrunk));
  EXPECT_EQ(*chip_signature(test::tiny_png()), test::tiny_png());

  EXPECT_ERROR(chip_face(Bytes{1, 2, 3, 4}), ErrorCode::kInvalidArgument, "does not decode");
  EXPECT_ERROR(chip_signature(Bytes{}), ErrorCode::kInvalidArgument, "does not decode");
}

TEST_P(ChipBiometricSourceTest, WhatItRefuses) {
  EXPECT_ERROR(load("12345"), ErrorCode::kInvalidArgument, "16 digits");
  EXPECT_ERROR(load(), ErrorCode::kFailedPrecondition, "no enrollment with a photo and a signature");
  // A stored template that does not decode names its enrollment and finger.
  auto fingers = test::one_real_finger(kRightIndex, "101_1.tif");
  fingers[kRightIndex - 1].template_bytes[12] ^= 0x5A;
  enroll("enr-bad", std::move(fingers), kNowMs);
  EXPECT_ERROR(load(), ErrorCode::kDataLoss, "enrollment enr-bad: finger 2");
}

EKTP_INSTANTIATE_FOR_BACKENDS(ChipBiometricSourceTest);

}  // namespace
}  // namespace ektp::card
