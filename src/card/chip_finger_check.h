// The e-KTP reader's 1:1 check, on the verifier's own machine: a live finger image against the
// chip's DG3 templates (ISO/IEC 19794-2, read with a terminal key), matched by our engine at the
// FMR 1/10,000 threshold used at card pickup, best of the chip's fingers. At most 4 tries per
// card reading, as the e-KTP reader allows; the caller counts them (ChipFingerTries).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "card/lds_biometric.h"

namespace ektp::card {

inline constexpr int kChipFingerTriesMax = 4;
inline constexpr std::size_t kLiveFingerImageBytesMax = 8u << 20;

struct ChipFingerMatch {
  bool matched = false;
  float best_score = 0;
  int best_position = 0;  // the chip finger that scored best
};

// kInvalidArgument (reason not_a_fingerprint) for an image that does not decode or has no
// fingerprint in it; (reason lds_bad_finger_record) for a chip template that is not 19794-2;
// kFailedPrecondition when the chip carries no finger.
Result<ChipFingerMatch> match_chip_finger(std::span<const ChipFinger> chip_fingers,
                                          std::span<const std::uint8_t> live_image, int live_dpi = 500);

// Counts tries: the fifth is refused (kResourceExhausted, reason finger_tries_exhausted).
class ChipFingerTries {
 public:
  Result<ChipFingerMatch> attempt(std::span<const ChipFinger> chip_fingers, std::span<const std::uint8_t> live_image,
                                  int live_dpi = 500);
  int used() const { return used_; }

 private:
  int used_ = 0;
  bool matched_ = false;
};

}  // namespace ektp::card
