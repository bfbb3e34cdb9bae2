// ISO/IEC 19794-2:2005 finger minutiae records (the format the e-KTP chip carries): encode one
// finger view, decode the first view of a record. Decoding treats its input as hostile: every
// length, count and coordinate is checked before use. Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "biometrics/minutia.h"
#include "core/error.h"

namespace ektp::biometrics {

struct IsoRecordOptions {
  std::uint8_t finger_position = 0;  // 0 = unknown, 1..10 = right thumb .. left little
  std::uint8_t impression_type = 0;  // 0 = live-scan plain
};

// kInvalidArgument if the template does not validate.
Result<std::vector<std::uint8_t>> encode_iso19794_2(const FeatureTemplate& t, IsoRecordOptions options = {});

// kDataLoss for anything malformed (magic, version, lengths, counts, coordinates, types).
// Angles come back quantised to 1.40625 degrees.
Result<FeatureTemplate> decode_iso19794_2(std::span<const std::uint8_t> bytes);

}  // namespace ektp::biometrics
