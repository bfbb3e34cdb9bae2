// The agreements that cover a resident (resident/resident_agreements.h).
#include "resident/resident_agreements.h"

#include <fmt/format.h>

#include "agency/agency_registry.h"
#include "agency/profile_fields.h"
#include "resident/resident_limits.h"
#include "resident/resident_pins.h"

namespace ektp::resident {
namespace {

std::vector<std::string> ordered(const std::set<std::string>& fields) {
  std::vector<std::string> out;
  for (const auto& field : agency::profile_fields()) {
    if (fields.contains(std::string(field.id))) out.emplace_back(field.id);
  }
  if (fields.contains(std::string(agency::kFamilyGrant))) out.emplace_back(agency::kFamilyGrant);
  return out;
}

}  // namespace

Result<std::vector<CoveringAgreement>> agreements_covering(store::Connection& db, std::string_view nik,
                                                           std::int64_t now_ms) {
  EKTP_RETURN_IF_ERROR(validate_nik_digits(nik));
  EKTP_ASSIGN_OR_RETURN(auto person, db.execute("SELECT village_code FROM persons WHERE nik = $1", {std::string(nik)}));
  if (person.rows.empty()) return not_found(fmt::format("no resident with NIK {}", nik));
  const std::string village = person.rows.front().text(0);
  EKTP_ASSIGN_OR_RETURN(auto agencies, db.execute(fmt::format("SELECT code, name, kind FROM agencies ORDER BY code LIMIT {}",
                                                              resident_limits::agreements_listed_max)));
  std::vector<CoveringAgreement> out;
  for (const auto& row : agencies.rows) {
    auto agreement = agency::agreement_in_force(db, row.text(0), now_ms);
    if (!agreement && agreement.error().reason == agency::agency_reason::kAgreementNotInForce) continue;
    if (!agreement) return std::unexpected(agreement.error());
    if (!agreement->covers_region(village)) continue;
    CoveringAgreement shown{row.text(0), row.text(1), row.text(2), agreement->number, agreement->purposes,
                            ordered(agreement->verify_fields), ordered(agreement->retrieve_fields), {},
                            agreement->valid_from_ms, agreement->valid_until_ms};
    for (agency::AgencyOperation operation : agreement->operations) {
      shown.operations.emplace_back(agency::agency_operation_id(operation));
    }
    out.push_back(std::move(shown));
  }
  return out;
}

}  // namespace ektp::resident
