// One named quality rule's verdict on a capture (photo, iris, signature): a stable English id
// for programs, a Bahasa Indonesia message for the operator, and the measured figure beside the
// limit it was held to. Thread-safety: plain values.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ektp::biometrics {

enum class CheckOutcome {
  kPass,
  kFail,
  kSkipped,  // could not be measured (e.g. background rules when no face was found)
};

enum class Bound {
  kMin,  // passes when value >= limit
  kMax,  // passes when value <= limit
};

struct QualityCheck {
  std::string id;       // e.g. "face_too_small"; stable, used by the station UI
  CheckOutcome outcome = CheckOutcome::kSkipped;
  double value = 0.0;   // what was measured (0 when skipped)
  double limit = 0.0;
  Bound bound = Bound::kMin;
  std::string message;  // Bahasa Indonesia, shown when the rule fails
};

// A check that passes when `value` is on the right side of `limit`.
QualityCheck judge(std::string_view id, double value, double limit, Bound bound,
                   std::string_view message);
QualityCheck skipped(std::string_view id, double limit, Bound bound, std::string_view message);

// True when no check failed (skipped ones do not count against).
bool all_passed(std::span<const QualityCheck> checks);

// The check with this id, or nullptr.
const QualityCheck* find_check(std::span<const QualityCheck> checks, std::string_view id);

// Ids of the failed checks, in order.
std::vector<std::string> failed_ids(std::span<const QualityCheck> checks);

std::string_view outcome_name(CheckOutcome outcome);  // "pass", "fail", "skipped"
std::string_view bound_name(Bound bound);             // "min", "max"

}  // namespace ektp::biometrics
