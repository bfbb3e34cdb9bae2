// A resident's enrollment for the card tests: at siap cetak, with a small photo and signature and,
// when asked, one real enrolled finger (a template made by our extractor from an FVC2002 image
// the repository carries, tests/data/fingerprints/fvc2002-db1b). Needs ektp_biometrics and ektp_registry.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/template_format.h"
#include "registry/demo/demo_loader.h"
#include "registry/enrollment_store.h"
#include "store/database.h"

namespace ektp::test {

// A 4×5 red PNG: a photo and signature that decode (the card face and the SUKET draw them).
inline const std::vector<std::uint8_t>& tiny_png() {
  static const std::vector<std::uint8_t> png = {
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
      0x04, 0x00, 0x00, 0x00, 0x05, 0x08, 0x02, 0x00, 0x00, 0x00, 0xed, 0xcf, 0xda, 0x8c, 0x00, 0x00, 0x00, 0x10, 0x49,
      0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x38, 0x21, 0x27, 0x07, 0x47, 0x0c, 0x64, 0x70, 0x00, 0xa1, 0xcf, 0x14, 0x51,
      0x4e, 0x1c, 0x45, 0xb2, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
  return png;
}

inline std::filesystem::path card_test_fingerprints() {
  return std::filesystem::path(EKTP_TEST_DATA_DIR) / "fingerprints" / "fvc2002-db1b";
}

// "101_1.tif" … from tests/data/fingerprints/fvc2002-db1b.
inline std::vector<std::uint8_t> card_test_fingerprint(const std::string& name) {
  std::ifstream in(card_test_fingerprints() / name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Ten finger entries: `position` enrolled from `image` (template extracted here), the others
// missing for a recorded reason; all ten missing when `image` is empty.
inline std::vector<registry::FingerCapture> one_real_finger(int position, const std::string& image) {
  std::vector<registry::FingerCapture> fingers;
  for (int p = 1; p <= 10; ++p) {
    registry::FingerCapture f;
    f.position = p;
    if (p == position && !image.empty()) {
      f.image = card_test_fingerprint(image);
      EXPECT_FALSE(f.image.empty()) << "missing " << (card_test_fingerprints() / image);
      f.image_sha256 = registry::bytes_sha256(f.image);
      auto grey = biometrics::decode_image(f.image);
      EXPECT_TRUE(grey.has_value());
      if (grey) {
        auto t = biometrics::extract(*grey, 500);
        EXPECT_TRUE(t.has_value());
        if (t) {
          auto bytes = biometrics::encode_template(*t);
          EXPECT_TRUE(bytes.has_value());
          if (bytes) f.template_bytes = *bytes;
        }
      }
      f.quality = 2;
    } else {
      f.missing_reason = "luka";
    }
    fingers.push_back(std::move(f));
  }
  return fingers;
}

// Inserts the enrollment "enr-<nik>" of `nik`, at siap cetak since `ready_ms`, with the right
// index finger (position 2) from `finger_image` ("" = a person whose prints do not work), and
// `photo` (default: the tiny PNG).
inline void insert_ready_enrollment(store::Database& db, const std::string& nik, std::int64_t ready_ms,
                                    const std::string& finger_image = "101_1.tif",
                                    std::vector<std::uint8_t> photo = {}) {
  registry::Enrollment e;
  e.enrollment_id = "enr-" + nik;
  e.nik = nik;
  e.station_id = "st-332701";
  e.operator_name = "operator";
  e.captured_at_ms = ready_ms - 1000;
  e.modalities = finger_image.empty() ? std::vector<std::string>{"face"} : std::vector<std::string>{"fingerprint", "face"};
  e.photo = photo.empty() ? tiny_png() : std::move(photo);
  e.photo_mime = e.photo[0] == 0xFF ? "image/jpeg" : "image/png";
  e.photo_sha256 = registry::bytes_sha256(e.photo);
  e.signature = tiny_png();
  e.signature_sha256 = registry::bytes_sha256(e.signature);
  e.fingers = one_real_finger(2, finger_image);
  auto done = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    EKTP_RETURN_IF_ERROR(registry::insert_enrollment(c, e));
    EKTP_RETURN_IF_ERROR(
        registry::set_enrollment_status(c, e.enrollment_id, registry::EnrollmentStatus::kReadyToPrint, ready_ms, ""));
    return true;
  });
  EXPECT_TRUE(done.has_value()) << (done ? "" : done.error().message);
}

// Loads `persons` demo residents of regency 3327 as of 2026-12-03 and answers the first `count`
// adults (by NIK), who start without a card (the demo gives many residents one).
inline std::vector<std::string> demo_adults_without_card(store::Database& db, std::size_t persons, std::size_t count) {
  using namespace std::chrono;
  registry::demo::DemoOptions demo;
  demo.regency_code = "3327";
  demo.persons = persons;
  demo.today = CivilDate{year{2026}, December, day{3}};
  std::vector<std::string> adults;
  auto loaded = registry::demo::load_demo_population(db, demo);
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().message);
  auto conn = db.connect();
  if (!loaded || !conn) return adults;
  auto rows = (*conn)->execute(
      "SELECT nik FROM persons WHERE alive = 1 AND birth_date < '2000-01-01' ORDER BY nik LIMIT $1",
      {static_cast<std::int64_t>(count)});
  EXPECT_TRUE(rows.has_value());
  if (!rows) return adults;
  for (const auto& r : rows->rows) {
    adults.push_back(r.text(0));
    EXPECT_TRUE((*conn)->execute("UPDATE persons SET card_printed = 0 WHERE nik = $1", {adults.back()}).has_value());
  }
  EXPECT_EQ(adults.size(), count);
  return adults;
}

}  // namespace ektp::test
