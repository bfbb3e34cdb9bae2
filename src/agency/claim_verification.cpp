#include "agency/claim_verification.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "agency/profile_fields.h"
#include "core/name_match.h"

namespace ektp::agency {

namespace {

bool is_name_field(std::string_view field) {
  return field == "name" || field == "father_name" || field == "mother_name" || field == "birth_place";
}

// Upper case, surrounding and repeated spaces removed: "jl.  Merdeka " → "JL. MERDEKA".
std::string uniform(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

std::string_view claim_verdict_id(ClaimVerdict verdict) {
  return verdict == ClaimVerdict::kSesuai ? "sesuai" : "tidak_sesuai";
}

Status check_claims(const std::vector<std::pair<std::string, std::string>>& claims, const Agreement& agreement) {
  if (claims.empty()) return invalid_argument("fields: claim at least one field");
  if (claims.size() > kClaimsMax) return invalid_argument(fmt::format("fields: at most {}", kClaimsMax));
  std::set<std::string> seen;
  for (const auto& [field, value] : claims) {
    if (!is_profile_field(field)) return invalid_argument(fmt::format("fields.{}: not a field of the profile", field.substr(0, 40)));
    if (!seen.insert(field).second) return invalid_argument(fmt::format("fields.{}: claimed twice", field));
    if (value.empty() || value.size() > kClaimBytesMax) {
      return invalid_argument(fmt::format("fields.{}: a value of 1 to {} bytes", field, kClaimBytesMax));
    }
    if (!agreement.may_verify(field)) {
      return refusal(ErrorCode::kPermissionDenied, std::string(kFieldNotAgreed),
                     fmt::format("fields.{}: agreement {} does not let this agency verify it", field, agreement.number));
    }
  }
  return {};
}

Result<ClaimsVerified> verify_claims(const Person& person, const std::vector<std::pair<std::string, std::string>>& claims,
                                     const Agreement& agreement) {
  EKTP_RETURN_IF_ERROR(check_claims(claims, agreement));
  ClaimsVerified out;
  out.deceased = person.death_date.has_value();
  for (const auto& [field, value] : claims) {
    EKTP_ASSIGN_OR_RETURN(auto registered, profile_field_value(person, field));
    ClaimResult result{field, ClaimVerdict::kTidakSesuai, std::nullopt};
    if (is_name_field(field)) {
      const double score = registered.empty() ? 0.0 : name_similarity(value, registered);
      result.verdict = score >= kNameMatchThreshold ? ClaimVerdict::kSesuai : ClaimVerdict::kTidakSesuai;
      if (agreement.name_score) result.name_score = score;
    } else {
      result.verdict = uniform(value) == uniform(registered) ? ClaimVerdict::kSesuai : ClaimVerdict::kTidakSesuai;
    }
    out.fields.push_back(std::move(result));
  }
  return out;
}

}  // namespace ektp::agency
