// Real enrollment records for tests: ten fingers from one FVC set (real images, templates made by
// our extractor), a real face photo and a small signature. `impression` picks which impression of
// each finger is used, so impressions 1 and 2 of the same set are "the same person enrolled twice"
// while two different sets are two different people. Needs ektp_biometrics and ektp_registry.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/template_format.h"
#include "registry/enrollment_store.h"

namespace ektp::test {

inline std::vector<std::uint8_t> read_test_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::filesystem::path test_data_dir() { return EKTP_TEST_DATA_DIR; }

// The FVC sets whose fingers make distinct test people, in order.
inline const std::vector<std::string>& fingerprint_sets() {
  static const std::vector<std::string> sets = {"fvc2002-db1b", "fvc2002-db2b", "fvc2002-db3b",
                                                "fvc2004-db1b", "fvc2002-db4b-synthetic"};
  return sets;
}

// Ten real fingers (fingers 101..110 of the set, one impression each) as captures 1..10.
inline std::vector<registry::FingerCapture> real_fingers(const std::string& set, int impression) {
  std::vector<registry::FingerCapture> fingers;
  auto dir = test_data_dir() / "fingerprints" / set;
  for (int i = 0; i < 10; ++i) {
    registry::FingerCapture f;
    f.position = i + 1;
    f.image = read_test_file(dir / fmt::format("{}_{}.tif", 101 + i, impression));
    EXPECT_FALSE(f.image.empty()) << "missing FVC image in " << dir;
    f.image_sha256 = registry::bytes_sha256(f.image);
    auto grey = biometrics::decode_image(f.image);
    EXPECT_TRUE(grey.has_value());
    if (!grey) continue;
    auto t = biometrics::extract(*grey, 500);
    EXPECT_TRUE(t.has_value());
    if (!t) continue;
    f.quality = std::clamp(static_cast<int>(t->image_quality), 1, 5);
    auto bytes = biometrics::encode_template(*t);
    EXPECT_TRUE(bytes.has_value());
    if (bytes) f.template_bytes = std::move(*bytes);
    fingers.push_back(std::move(f));
  }
  return fingers;
}

// Everything but the fingers: a real photo and a small signature.
inline registry::Enrollment base_enrollment(const std::string& enrollment_id, const std::string& nik) {
  registry::Enrollment e;
  e.enrollment_id = enrollment_id;
  e.nik = nik;
  e.station_id = "st-332701";
  e.operator_name = "operator";
  e.captured_at_ms = 1'795'000'000'000;
  e.modalities = {"fingerprint", "face"};
  e.photo = read_test_file(test_data_dir() / "faces" / "matplotlib_grace_hopper.jpg");
  e.photo_mime = "image/jpeg";
  e.photo_sha256 = registry::bytes_sha256(e.photo);
  e.signature = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3};
  e.signature_sha256 = registry::bytes_sha256(e.signature);
  return e;
}

inline registry::Enrollment real_enrollment(const std::string& enrollment_id, const std::string& nik,
                                            const std::string& set, int impression) {
  registry::Enrollment e = base_enrollment(enrollment_id, nik);
  e.fingers = real_fingers(set, impression);
  return e;
}

}  // namespace ektp::test
