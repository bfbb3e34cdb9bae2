#include "card/chip_finger_check.h"

#include <fmt/format.h>

#include "biometrics/extractor.h"
#include "biometrics/image_io.h"
#include "biometrics/iso19794.h"
#include "biometrics/matcher.h"
#include "card/card_pickup.h"

namespace ektp::card {

Result<ChipFingerMatch> match_chip_finger(std::span<const ChipFinger> chip_fingers,
                                          std::span<const std::uint8_t> live_image, int live_dpi) {
  if (chip_fingers.empty()) return failed_precondition("the chip carries no fingerprint template");
  if (live_image.empty() || live_image.size() > kLiveFingerImageBytesMax) {
    return refusal(ErrorCode::kInvalidArgument, "not_a_fingerprint",
                   fmt::format("live finger image: 1 byte to {} MiB", kLiveFingerImageBytesMax >> 20));
  }
  auto grey = biometrics::decode_image(live_image);
  if (!grey) return refusal(ErrorCode::kInvalidArgument, "not_a_fingerprint", "live finger image: " + grey.error().message);
  auto live = biometrics::extract(*grey, live_dpi);
  if (!live) return refusal(ErrorCode::kInvalidArgument, "not_a_fingerprint", "live finger image: " + live.error().message);
  const auto probe = biometrics::prepare(*live);
  ChipFingerMatch out;
  for (const auto& finger : chip_fingers) {
    auto stored = biometrics::decode_iso19794_2(finger.record);
    if (!stored) {
      return refusal(ErrorCode::kInvalidArgument, "lds_bad_finger_record",
                     fmt::format("DG3 finger {}: not an ISO/IEC 19794-2 record: {}", finger.position, stored.error().message));
    }
    const float score = biometrics::match_templates(probe, biometrics::prepare(*stored));
    if (score > out.best_score || out.best_position == 0) {
      out.best_score = score;
      out.best_position = finger.position;
    }
  }
  out.matched = out.best_score >= kPickupMatchThreshold;
  return out;
}

Result<ChipFingerMatch> ChipFingerTries::attempt(std::span<const ChipFinger> chip_fingers,
                                                 std::span<const std::uint8_t> live_image, int live_dpi) {
  if (matched_) return failed_precondition("the finger matched already");
  if (used_ >= kChipFingerTriesMax) {
    return refusal(ErrorCode::kResourceExhausted, "finger_tries_exhausted",
                   fmt::format("{} tries used: read the card again, or check the holder another way", used_));
  }
  auto match = match_chip_finger(chip_fingers, live_image, live_dpi);
  if (!match) return match;  // an image that is not a finger does not use a try
  ++used_;
  matched_ = match->matched;
  return match;
}

}  // namespace ektp::card
