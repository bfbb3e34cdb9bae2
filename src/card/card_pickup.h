// Handing a printed card over (diambil). The holder proves who they are with a 1:1 check: a live
// fingerprint image against the print enrolled for that finger, at the engine's FMR 1/10,000
// threshold; or, when the prints do not work (none enrolled, or a failed try), a check assisted by
// a supervisor, who compares the person with the enrolled photo and says what they checked. Every
// check is recorded; after four failed fingerprint tries only a supervisor may go on. The
// enrollment's timeline gets diambil, and the office sees the cards left uncollected for 30 days.
// Iris and face comparison have no matcher in the engine yet, so their fallback is the
// supervisor-assisted check.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "card/print_queue.h"
#include "store/database.h"

namespace ektp::card {

namespace pickup_reason {
inline constexpr std::string_view kNotPrinted = "card_not_printed";
inline constexpr std::string_view kAlreadyCollected = "card_already_collected";
inline constexpr std::string_view kRevoked = "card_revoked";
inline constexpr std::string_view kSupervisorRequired = "pickup_supervisor_required";
inline constexpr std::string_view kNoEnrolledFinger = "no_enrolled_finger";
inline constexpr std::string_view kNotAFingerprint = "live_image_unusable";
inline constexpr std::string_view kFingerprintFirst = "fingerprint_first";
}  // namespace pickup_reason

// Failed fingerprint tries after which only a supervisor may try again or assist.
inline constexpr int kPickupTriesBeforeSupervisor = 4;
// 1:1 decision threshold: the FMR 1/10,000 point of the engine's real impostor scores
// (bench/README.md, "Score calibration": 0.0345 counted, 0.0353 by the tail fit; the fit's value).
inline constexpr float kPickupMatchThreshold = 0.0353f;
inline constexpr std::int64_t kUncollectedAfterDays = 30;

enum class PickupMethod { kFingerprint, kAssisted };
std::string_view pickup_method_id(PickupMethod method);  // "fingerprint", "assisted"
Result<PickupMethod> parse_pickup_method(std::string_view id);

struct PickupCheck {
  std::int64_t request_id = 0;
  PickupMethod method = PickupMethod::kFingerprint;
  int finger_position = 0;                  // fingerprint: the finger presented, ISO 1..10
  std::vector<std::uint8_t> live_image;     // fingerprint: the image as the scanner gave it
  int live_dpi = 500;
  std::string note;                         // assisted: what the supervisor checked (required)
  std::string actor;
  bool actor_is_supervisor = false;
  std::int64_t at_ms = 0;
};

struct PickupOutcome {
  bool collected = false;
  PickupMethod method = PickupMethod::kFingerprint;
  float score = 0;          // fingerprint: the 1:1 score
  int failed_tries = 0;     // failed fingerprint tries so far, this one included
  int tries_left = 0;       // before a supervisor must step in
  PrintRequest request;
};

// One check, recorded whatever its result. A finger that does not match is an answer, not an
// error (collected = false, the try counted). Errors: kInvalidArgument (bad image, position, note),
// kFailedPrecondition with pickup_reason (not printed, already collected, revoked, no print enrolled
// for that finger, an assisted check before any fingerprint try on a person who has prints),
// kPermissionDenied pickup_supervisor_required (an assisted check, or a fifth try, by an operator).
Result<PickupOutcome> collect_card(store::Database& db, const PickupCheck& check);

// Printed cards of an office not collected `days` after printing, oldest first (at most `limit`).
Result<std::vector<PrintRequest>> uncollected_cards(store::Connection& db, std::string_view office,
                                                    std::int64_t now_ms, std::int64_t days, std::size_t limit);

struct PickupAttempt {
  std::string method;
  int finger_position = 0;
  float score = 0;
  bool matched = false;
  std::string actor;
  std::string note;
  std::int64_t at_ms = 0;
};
Result<std::vector<PickupAttempt>> pickup_attempts(store::Connection& db, std::int64_t request_id);

}  // namespace ektp::card
