// Stations keep their own operator passwords. Central never hands a station a password hash:
// provisioning carries each operator's username and role only, and an admin or the district's
// supervisor asks central for a one-time activation code for one operator at one station. The
// operator types the code and a new password at the station; the station redeems the code with
// central in a signed request, so the password never leaves the station and a code works at no
// other station. Central keeps only the code's digest, for 72 hours, good for 5 wrong tries.
// A signed roster (station_operator_roster) carries deactivations and role changes to stations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/role.h"
#include "store/database.h"
#include "sync/station_directory.h"

namespace ektp::sync {

inline constexpr std::int64_t operator_code_validity_ms = 72LL * 3600 * 1000;
inline constexpr int operator_code_tries_max = 5;
inline constexpr std::size_t operator_code_chars = 12;  // 60 bits, shown as XXXX-XXXX-XXXX

namespace enrolment_reason {
// Unknown, wrong, expired, used or worn-out codes all answer the same: a code is either good or not.
inline constexpr std::string_view kCodeWrong = "enrolment_code_wrong";
inline constexpr std::string_view kNotStationOperator = "not_station_operator";
inline constexpr std::string_view kCentralUnreachable = "central_unreachable";
}  // namespace enrolment_reason

struct OperatorCode {
  std::string station_id;
  std::string username;
  std::string code;  // shown once, to be read out or handed over on paper
  std::int64_t expires_at_ms = 0;
};

// A new code for `username` at `station_id` (replacing any earlier one), issued by `issued_by`
// (audited as station.operator_code). kNotFound for an unknown station; kFailedPrecondition for
// a revoked station, or a user who is not an active operator or supervisor of that station.
Result<OperatorCode> issue_operator_code(store::Database& db, std::string_view station_id,
                                         std::string_view username, std::string_view issued_by,
                                         std::int64_t now_ms);

// Central's side of an activation, asked by the authenticated station: spends the code and
// answers the operator's role (audited as station.operator_activate, or .._failed).
// kUnauthenticated (reason enrolment_code_wrong) for any code that is not good.
Result<OperatorCredential> redeem_operator_code(store::Database& db, const StationRecord& station,
                                                std::string_view username, std::string_view code,
                                                std::int64_t now_ms);

// Every operator of the station with their current role and whether the account is active.
Result<std::vector<OperatorCredential>> station_operator_roster(store::Database& db, std::string_view station_id);
Result<std::vector<OperatorCredential>> station_operator_roster(store::Connection& c, std::string_view station_id);

// The station's side: applies central's roster to the station's users. Listed users are added
// (without a password: they activate with a code) or updated; active station users who are no
// longer listed, or listed as inactive, are deactivated and their sessions revoked. Returns the
// number of accounts changed.
Result<std::size_t> apply_operator_roster(store::Database& station_db,
                                          const std::vector<OperatorCredential>& roster, std::int64_t local_now_ms);

// "abcd efgh-ijkl" → "ABCDEFGHIJKL"; kUnauthenticated (enrolment_code_wrong) for anything that
// cannot be a code, so that the answer says nothing about which check failed.
Result<std::string> normalise_operator_code(std::string_view code);

}  // namespace ektp::sync
