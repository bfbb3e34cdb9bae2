// Loading the shared FVC images for biometrics tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "biometrics/extractor.h"
#include "biometrics/image_io.h"

namespace ektp::biometrics::testing {

inline std::filesystem::path fingerprint_path(const std::string& set, int finger, int impression) {
  return std::filesystem::path(EKTP_TEST_DATA_DIR) / "fingerprints" / set /
         (std::to_string(finger) + "_" + std::to_string(impression) + ".tif");
}

inline std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline GreyImage load_image(const std::string& set, int finger, int impression) {
  auto image = decode_image(read_bytes(fingerprint_path(set, finger, impression)));
  return image ? *image : GreyImage{};
}

inline FeatureTemplate load_template(const std::string& set, int finger, int impression, int dpi = 500) {
  auto t = extract(load_image(set, finger, impression), dpi);
  return t ? *t : FeatureTemplate{};
}

}  // namespace ektp::biometrics::testing
