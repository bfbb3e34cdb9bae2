#include "biometrics/quality_check.h"

#include <cmath>

namespace ektp::biometrics {

QualityCheck judge(std::string_view id, double value, double limit, Bound bound,
                   std::string_view message) {
  // NaN never passes: a measurement that went wrong must not let a capture through.
  const bool pass = bound == Bound::kMin ? value >= limit : value <= limit;
  return {std::string(id), pass ? CheckOutcome::kPass : CheckOutcome::kFail,
          std::isfinite(value) ? value : 0.0, limit, bound, std::string(message)};
}

QualityCheck skipped(std::string_view id, double limit, Bound bound, std::string_view message) {
  return {std::string(id), CheckOutcome::kSkipped, 0.0, limit, bound, std::string(message)};
}

bool all_passed(std::span<const QualityCheck> checks) {
  for (const auto& check : checks) {
    if (check.outcome == CheckOutcome::kFail) return false;
  }
  return true;
}

const QualityCheck* find_check(std::span<const QualityCheck> checks, std::string_view id) {
  for (const auto& check : checks) {
    if (check.id == id) return &check;
  }
  return nullptr;
}

std::vector<std::string> failed_ids(std::span<const QualityCheck> checks) {
  std::vector<std::string> ids;
  for (const auto& check : checks) {
    if (check.outcome == CheckOutcome::kFail) ids.push_back(check.id);
  }
  return ids;
}

std::string_view outcome_name(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::kPass: return "pass";
    case CheckOutcome::kFail: return "fail";
    case CheckOutcome::kSkipped: return "skipped";
  }
  return "skipped";
}

std::string_view bound_name(Bound bound) { return bound == Bound::kMin ? "min" : "max"; }

}  // namespace ektp::biometrics
