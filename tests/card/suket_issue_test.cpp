// Issuing SUKETs from the registry, on SQLite and PostgreSQL: the keys kept in files of mode 0600
// and registered for the trust list, a SUKET for a resident whose card waits (with its ready date
// — none while no blanko is on hand), the printed page whose QR code reads back to a valid
// credential, the SUKET superseded once the card is collected, and the residents who get none.
#include "card/suket_issue.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "access/private_file.h"
#include "card/announced_deliveries.h"
#include "card/card_pickup.h"
#include "card/qr_image_reader.h"
#include "card/suket_document.h"
#include "core/region.h"
#include "registry/demo/demo_loader.h"
#include "store/migrations.h"
#include "support/card_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

using namespace std::chrono;

constexpr std::int64_t kNowMs = 1'796'300'000'000;  // 2026-12-03
constexpr std::int64_t kDayMs = 86'400'000;

// A portrait-sized JPEG with some structure (a face photo's size, not its content).
std::vector<std::uint8_t> portrait_jpeg() {
  cv::Mat img(800, 600, CV_8UC3, cv::Scalar(200, 190, 180));
  cv::ellipse(img, {300, 380}, {170, 230}, 0, 0, 360, cv::Scalar(120, 140, 170), -1);
  cv::circle(img, {240, 340}, 22, cv::Scalar(40, 40, 40), -1);
  cv::circle(img, {360, 340}, 22, cv::Scalar(40, 40, 40), -1);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", img, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  return jpeg;
}

class SuketIssueTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    adults = test::demo_adults_without_card(db(), 60, 3);
    ASSERT_EQ(adults.size(), 3u);
    key_dir = std::filesystem::temp_directory_path() / fmt::format("ektp-suket-{}-{}", ::getpid(), static_cast<int>(GetParam()));
    std::filesystem::remove_all(key_dir);
    auto opened = SuketKeys::open(key_dir, true);
    ASSERT_OK(opened);
    keys = std::move(*opened);
  }
  void TearDown() override {
    keys.reset();
    std::filesystem::remove_all(key_dir);
    BackendTest::TearDown();
  }
  SuketVerdict verify(const std::string& qr, std::int64_t at_ms = kNowMs) {
    auto conn = db().connect();
    auto trust = trust_list_of(**conn, at_ms / 1000);
    auto superseded = superseded_list_of(**conn, at_ms / 1000);
    EXPECT_TRUE(trust.has_value() && superseded.has_value());
    return verify_suket(qr, *trust, &*superseded, at_ms / 1000);
  }

  std::vector<std::string> adults;
  std::filesystem::path key_dir;
  std::unique_ptr<SuketKeys> keys;
  const RegionDirectory& regions = RegionDirectory::builtin();
};

TEST_P(SuketIssueTest, AWaitingResidentGetsAValidSuketThatTheirCollectedCardSupersedes) {
  test::insert_ready_enrollment(db(), adults[0], kNowMs - 2 * kDayMs, "101_1.tif", portrait_jpeg());
  ASSERT_OK(queue_ready_to_print(db(), kNowMs - 2 * kDayMs));
  auto issued = issue_suket(db(), *keys, regions, adults[0], "petugas.loket", kNowMs);
  ASSERT_OK(issued);
  EXPECT_EQ(issued->record.nik, adults[0]);
  EXPECT_EQ(issued->record.office, "3327");
  EXPECT_EQ(issued->claims.issuer, "ektp:3327");
  EXPECT_EQ(issued->record.expires_at_s, suket_expiry(kNowMs / 1000));
  ASSERT_TRUE(issued->claims.face.has_value());  // the photo fits, made small
  EXPECT_LE(issued->claims.face->image.size(), kSuketFaceBytesTarget);
  // No blanko on hand and none announced: the SUKET says no date rather than inventing one.
  ASSERT_TRUE(issued->record.ready.has_value());
  EXPECT_FALSE(issued->record.ready->estimate.has_value());
  EXPECT_EQ(issued->record.ready->no_date_reason, ready_reason::kNoStockNoDelivery);
  EXPECT_NE(ready_sentence(issued->record.ready).find("belum ada tanggal"), std::string::npos);

  auto verdict = verify(issued->record.qr_text);
  EXPECT_EQ(verdict.status, SuketStatus::kValid) << verdict.reason;
  ASSERT_TRUE(verdict.claims.has_value());
  EXPECT_EQ(verdict.claims->nik, adults[0]);
  EXPECT_EQ(verdict.id, issued->record.id);

  // The printed page: a PDF, and a PNG whose QR code reads back to the same text.
  auto pdf = render_suket_pdf(*issued, "https://ektp.example/verifikasi");
  ASSERT_OK(pdf);
  EXPECT_EQ(pdf->rfind("%PDF", 0), 0u);
  auto png = render_suket_png(*issued, "https://ektp.example/verifikasi");
  ASSERT_OK(png);
  auto read = read_qr_from_image(*png);
  ASSERT_OK(read);
  EXPECT_EQ(*read, issued->record.qr_text);
  // Stored: read back and printed again alike.
  {
    auto conn = db().connect();
    auto again = load_issued_suket(**conn, regions, issued->record.id);
    ASSERT_OK(again);
    EXPECT_EQ(again->record.qr_text, issued->record.qr_text);
    EXPECT_EQ(again->claims, issued->claims);
    ASSERT_TRUE(again->record.ready.has_value());
    EXPECT_EQ(again->record.ready->no_date_reason, ready_reason::kNoStockNoDelivery);
  }

  // Printed and collected: the SUKET is superseded, and no new one is issued.
  ASSERT_OK(receive_blanko(db(), {"3327", "petugas.stok", kNowMs}, {1, 10}, "alokasi"));
  auto printed = print_next(db(), {"3327", "petugas.cetak", kNowMs + 1000});
  ASSERT_OK(printed);
  PickupCheck check;
  check.request_id = printed->id;
  check.finger_position = 2;
  check.live_image = test::card_test_fingerprint("101_2.tif");
  check.actor = "petugas.loket";
  check.at_ms = kNowMs + 2000;
  auto collected = collect_card(db(), check);
  ASSERT_OK(collected);
  ASSERT_TRUE(collected->collected);
  EXPECT_EQ(verify(issued->record.qr_text, kNowMs + 3000).status, SuketStatus::kSuperseded);
  auto refused = issue_suket(db(), *keys, regions, adults[0], "petugas.loket", kNowMs + 4000);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, suket_reason::kCardCollected);
}

TEST_P(SuketIssueTest, AReadyDateIsPrintedOnceBlankoIsOnHand) {
  // Thirty working days of printing before today, then a resident waiting.
  ASSERT_OK(receive_blanko(db(), {"3327", "petugas.stok", kNowMs - 60 * kDayMs}, {1, 2000}, "alokasi"));
  auto conn = db().connect();
  ASSERT_OK(conn);
  auto others = (*conn)->execute(
      "SELECT nik FROM persons WHERE alive = 1 AND birth_date < '2005-01-01' ORDER BY nik DESC LIMIT 45");
  ASSERT_OK(others);
  int day = 0;
  for (const auto& r : others->rows) {
    const std::string nik = r.text(0);
    if (nik == adults[0]) continue;
    ASSERT_OK((*conn)->execute("UPDATE persons SET card_printed = 0 WHERE nik = $1", {nik}));
    const std::int64_t at = kNowMs - (45 - day) * kDayMs;
    test::insert_ready_enrollment(db(), nik, at - 3600'000, "");
    ASSERT_OK(queue_ready_to_print(db(), at));
    ASSERT_OK(print_next(db(), {"3327", "petugas.cetak", at}));
    ++day;
  }
  test::insert_ready_enrollment(db(), adults[0], kNowMs - 3600'000, "");
  ASSERT_OK(queue_ready_to_print(db(), kNowMs));
  auto issued = issue_suket(db(), *keys, regions, adults[0], "petugas.loket", kNowMs);
  ASSERT_OK(issued);
  ASSERT_TRUE(issued->record.ready.has_value());
  ASSERT_TRUE(issued->record.ready->estimate.has_value()) << issued->record.ready->no_date_reason;
  const auto today = jakarta_day_of_ms(kNowMs);
  EXPECT_GE(issued->record.ready->estimate->p10, today);
  EXPECT_LE(issued->record.ready->estimate->p90, today + 14);
  ASSERT_TRUE(issued->claims.card_ready_estimate.has_value());
  EXPECT_EQ(day_number_of(*issued->claims.card_ready_estimate), issued->record.ready->estimate->p50);
}

TEST_P(SuketIssueTest, ResidentsWhoMayNotHaveOneAreRefused) {
  auto none = issue_suket(db(), *keys, regions, adults[1], "petugas.loket", kNowMs);  // never enrolled
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().reason, suket_reason::kNotEnrolled);
  EXPECT_ERROR(issue_suket(db(), *keys, regions, "12345", "petugas.loket", kNowMs), ErrorCode::kInvalidArgument, "nik");
  EXPECT_ERROR(issue_suket(db(), *keys, regions, "3327019999999999", "petugas.loket", kNowMs), ErrorCode::kNotFound, "");
  auto conn = db().connect();
  EXPECT_TRUE(sukets_of(**conn, adults[1])->empty());
  EXPECT_ERROR(load_suket(**conn, "not-an-id"), ErrorCode::kInvalidArgument, "32");
  EXPECT_ERROR(load_suket(**conn, std::string(32, 'a')), ErrorCode::kNotFound, "");
}

TEST_P(SuketIssueTest, KeysLiveInPrivateFilesAndOpenAgainAsTheSame) {
  test::insert_ready_enrollment(db(), adults[0], kNowMs - kDayMs, "");
  auto issued = issue_suket(db(), *keys, regions, adults[0], "petugas.loket", kNowMs);
  ASSERT_OK(issued);
  for (const auto& entry : std::filesystem::directory_iterator(key_dir)) {
    struct stat st {};
    ASSERT_EQ(::stat(entry.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << entry.path();
  }
  const auto root_kid = key_id_hex(keys->root().public_key());
  auto reopened = SuketKeys::open(key_dir, false);
  ASSERT_OK(reopened);
  EXPECT_EQ(key_id_hex((*reopened)->root().public_key()), root_kid);
  auto issuer = (*reopened)->issuer_key(db(), "3327", kNowMs / 1000);
  ASSERT_OK(issuer);
  EXPECT_EQ(key_id_hex((*issuer)->public_key()), issued->record.kid);
  // The trust list is signed by the root and names the office's key once.
  auto conn = db().connect();
  auto list = trust_list_of(**conn, kNowMs / 1000);
  ASSERT_OK(list);
  ASSERT_EQ(list->keys.size(), 1u);
  auto signed_list = sign_trust_list(*list, keys->root());
  ASSERT_OK(signed_list);
  auto parsed = parse_trust_list(*signed_list, keys->root().public_key());
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->keys.front().issuer, "ektp:3327");
  // Absent and not to be made; a file that is not a key.
  EXPECT_ERROR(SuketKeys::open(key_dir / "missing", false), ErrorCode::kNotFound, "");
  const auto bad = key_dir / "bad";
  std::filesystem::create_directories(bad);
  ASSERT_OK(access::write_new_private_file(bad / "suket-root.key", "not a key"));
  EXPECT_ERROR(SuketKeys::open(bad, false), ErrorCode::kDataLoss, "not a SUKET signing key");
}

TEST(SuketFaceTest, APhotoIsMadeSmallEnoughForTheQrCode) {
  auto face = small_face(portrait_jpeg(), kSuketFaceBytesTarget);
  ASSERT_TRUE(face.has_value());
  EXPECT_LE(face->image.size(), kSuketFaceBytesTarget);
  EXPECT_EQ(face->image[0], 0xFF);
  EXPECT_FALSE(small_face({1, 2, 3}, kSuketFaceBytesTarget).has_value());
  EXPECT_FALSE(small_face({}, kSuketFaceBytesTarget).has_value());
}

TEST(QrImageReaderTest, APictureWithoutAQrCodeOrNotAPictureIsRefused) {
  std::vector<std::uint8_t> blank;
  cv::imencode(".png", cv::Mat(200, 200, CV_8UC1, cv::Scalar(255)), blank);
  auto none = read_qr_from_image(blank);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().reason, qr_reason::kNoQr);
  auto garbage = read_qr_from_image(std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o'});
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().reason, qr_reason::kNotAnImage);
}

EKTP_INSTANTIATE_FOR_BACKENDS(SuketIssueTest);

}  // namespace
}  // namespace ektp::card
