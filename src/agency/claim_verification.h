// Verifying what an agency claims about a resident (POST /api/v1/agency/verify): each claimed
// field compared with the register — *sesuai* or *tidak_sesuai* — and, where the agreement allows
// it, the name similarity score; a deceased resident is said to be so. Only the verdicts go back:
// never a value the caller did not send. Names (the resident's, the parents', the place of birth)
// compare with core/name_match.h; dates and codes exactly; other text after case and spacing are
// made uniform. Pure.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agency/agency_registry.h"
#include "core/person.h"

namespace ektp::agency {

inline constexpr std::size_t kClaimsMax = 27;  // the profile's fields (profile_fields.h)
inline constexpr std::size_t kClaimBytesMax = 256;
inline constexpr std::string_view kFieldNotAgreed = "agency_field_not_agreed";

enum class ClaimVerdict { kSesuai, kTidakSesuai };
std::string_view claim_verdict_id(ClaimVerdict verdict);  // "sesuai", "tidak_sesuai"

struct ClaimResult {
  std::string field;
  ClaimVerdict verdict = ClaimVerdict::kTidakSesuai;
  std::optional<double> name_score;  // name fields, when the agreement has name_score
};

struct ClaimsVerified {
  bool deceased = false;  // *meninggal*
  std::vector<ClaimResult> fields;
};

// kInvalidArgument naming the field for an unknown field, one claimed twice, an empty or
// oversized value, or no claim at all; kPermissionDenied (agency_field_not_agreed) naming the
// first field the agreement does not let the agency verify. (Checked before the resident is
// looked up, so an unknown NIK is refused the same way.)
Status check_claims(const std::vector<std::pair<std::string, std::string>>& claims, const Agreement& agreement);
// check_claims, then each claim against the register.
Result<ClaimsVerified> verify_claims(const Person& person, const std::vector<std::pair<std::string, std::string>>& claims,
                                     const Agreement& agreement);

}  // namespace ektp::agency
