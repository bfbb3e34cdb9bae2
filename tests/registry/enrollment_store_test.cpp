#include "registry/enrollment_store.h"

#include "store/migrations.h"
#include "support/enrollment_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::registry {
namespace {

constexpr const char* kNik = "3327015508900001";

class EnrollmentStoreTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
  }
  static const Enrollment& sample() {
    static const Enrollment e = test::real_enrollment("e-0001", kNik, "fvc2002-db1b", 1);
    return e;
  }
};

TEST_P(EnrollmentStoreTest, StoresAndLoadsEveryCaptureWithItsChecksum) {
  Enrollment e = sample();
  e.fingers[6] = FingerCapture{7, {}, "", {}, 0, "amputasi"};
  e.irises.push_back({"right", {1, 2, 3, 4}, bytes_sha256({1, 2, 3, 4}), 71, ""});
  e.irises.push_back({"left", {}, "", 0, "mata buatan"});
  e.modalities = {"fingerprint", "iris", "face"};
  ASSERT_OK(validate_enrollment(e));
  auto conn = db().connect();
  ASSERT_OK(conn);
  ASSERT_OK(insert_enrollment(**conn, e));
  auto loaded = load_enrollment(**conn, "e-0001");
  ASSERT_OK(loaded);
  EXPECT_EQ(loaded->nik, kNik);
  EXPECT_EQ(loaded->photo, e.photo);
  EXPECT_EQ(loaded->photo_sha256, bytes_sha256(loaded->photo));
  ASSERT_EQ(loaded->fingers.size(), 10u);
  EXPECT_EQ(loaded->fingers[0].image, e.fingers[0].image);
  EXPECT_EQ(loaded->fingers[0].template_bytes, e.fingers[0].template_bytes);
  EXPECT_TRUE(loaded->fingers[6].missing());
  EXPECT_EQ(loaded->fingers[6].missing_reason, "amputasi");
  ASSERT_EQ(loaded->irises.size(), 2u);
  EXPECT_EQ(loaded->irises[0].eye, "right");
  EXPECT_EQ(loaded->irises[0].quality, 71);
  EXPECT_EQ(loaded->modalities, (std::vector<std::string>{"fingerprint", "iris", "face"}));
  ASSERT_OK(validate_enrollment(*loaded));

  auto light = load_enrollment(**conn, "e-0001", false);
  ASSERT_OK(light);
  EXPECT_TRUE(light->photo.empty());
  EXPECT_FALSE(light->fingers[0].template_bytes.empty());

  EXPECT_ERROR(insert_enrollment(**conn, e), ErrorCode::kAlreadyExists, "e-0001");
  EXPECT_ERROR(load_enrollment(**conn, "e-none"), ErrorCode::kNotFound, "e-none");
}

TEST_P(EnrollmentStoreTest, TimelineKeepsTheFirstDateOfEachStatus) {
  auto conn = db().connect();
  ASSERT_OK(conn);
  ASSERT_OK(insert_enrollment(**conn, sample()));
  const std::int64_t t0 = sample().captured_at_ms;
  ASSERT_OK(set_enrollment_status(**conn, "e-0001", EnrollmentStatus::kSent, t0 + 2000, ""));
  ASSERT_OK(set_enrollment_status(**conn, "e-0001", EnrollmentStatus::kSent, t0 + 3000, "again"));
  ASSERT_OK(set_enrollment_status(**conn, "e-0001", EnrollmentStatus::kReadyToPrint, t0 + 4000, "no hit"));
  auto timeline = timeline_of(**conn, kNik);
  ASSERT_OK(timeline);
  ASSERT_EQ(timeline->size(), 3u);
  EXPECT_EQ((*timeline)[0].status, EnrollmentStatus::kRecorded);
  EXPECT_EQ((*timeline)[1].status, EnrollmentStatus::kSent);
  EXPECT_EQ((*timeline)[1].at_ms, t0 + 2000);
  EXPECT_EQ((*timeline)[2].detail, "no hit");
  auto loaded = load_enrollment(**conn, "e-0001", false);
  ASSERT_OK(loaded);
  EXPECT_EQ(loaded->status, EnrollmentStatus::kReadyToPrint);
  EXPECT_ERROR(set_enrollment_status(**conn, "nope", EnrollmentStatus::kSent, 1, ""), ErrorCode::kNotFound, "nope");
}

TEST(EnrollmentValidation, NamesWhatIsWrong) {
  static const Enrollment good = test::real_enrollment("e-1", kNik, "fvc2002-db1b", 1);
  ASSERT_OK(validate_enrollment(good));
  auto with = [](auto change) {
    Enrollment e = good;
    change(e);
    return validate_enrollment(e);
  };
  EXPECT_ERROR(with([](Enrollment& e) { e.enrollment_id = "bad id!"; }), ErrorCode::kInvalidArgument, "enrollment_id");
  EXPECT_ERROR(with([](Enrollment& e) { e.nik = "3327015508900"; }), ErrorCode::kInvalidArgument, "16 digits");
  EXPECT_ERROR(with([](Enrollment& e) { e.photo.clear(); }), ErrorCode::kInvalidArgument, "photo: missing");
  EXPECT_ERROR(with([](Enrollment& e) { e.photo_mime = "image/gif"; }), ErrorCode::kInvalidArgument, "image/jpeg");
  EXPECT_ERROR(with([](Enrollment& e) { e.photo[100] ^= 1; }), ErrorCode::kDataLoss, "photo: SHA-256");
  EXPECT_ERROR(with([](Enrollment& e) { e.fingers.pop_back(); }), ErrorCode::kInvalidArgument, "9 of 10");
  EXPECT_ERROR(with([](Enrollment& e) { e.fingers[1].position = 1; }), ErrorCode::kInvalidArgument, "given twice");
  EXPECT_ERROR(with([](Enrollment& e) { e.fingers[2].position = 11; }), ErrorCode::kInvalidArgument, "not 1..10");
  EXPECT_ERROR(with([](Enrollment& e) { e.fingers[3] = FingerCapture{4, {}, "", {}, 0, ""}; }),
               ErrorCode::kInvalidArgument, "without a reason");
  EXPECT_ERROR(with([](Enrollment& e) { e.fingers[4].image.push_back(0); }), ErrorCode::kDataLoss, "position 5");
  EXPECT_ERROR(with([](Enrollment& e) { e.fingers[4].quality = 9; }), ErrorCode::kInvalidArgument, "quality 9");
  EXPECT_ERROR(with([](Enrollment& e) { e.modalities = {"dna"}; }), ErrorCode::kInvalidArgument, "'dna'");
  EXPECT_ERROR(with([](Enrollment& e) { e.modalities.clear(); }), ErrorCode::kInvalidArgument, "modalities");
  EXPECT_ERROR(with([](Enrollment& e) { e.irises.push_back({"middle", {1}, bytes_sha256({1}), 1, ""}); }),
               ErrorCode::kInvalidArgument, "right or left");
}

EKTP_INSTANTIATE_FOR_BACKENDS(EnrollmentStoreTest);

}  // namespace
}  // namespace ektp::registry
