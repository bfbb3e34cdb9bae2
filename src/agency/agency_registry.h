// Agencies (BPJS, banks, hospitals, KUA …) and their agreements with Dukcapil (PKS, SPEC §8): which
// profile fields an agency may verify and retrieve, which operations it may call, for which
// regions, with a similarity score for names or not, how many calls a day, and from when until
// when. An agreement is never edited: a new one (a new PKS number) replaces it from its start.
// Creating agencies and adding agreements are audited. Thread-safety: free functions over a
// Database or a caller's Connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace ektp::agency {

// Stable reasons (Error::reason) of this module's refusals.
namespace agency_reason {
inline constexpr std::string_view kAgencyExists = "agency_exists";
inline constexpr std::string_view kAgencyUnknown = "agency_unknown";
inline constexpr std::string_view kAgreementExists = "agreement_exists";
inline constexpr std::string_view kAgreementNotInForce = "agreement_not_in_force";
inline constexpr std::string_view kKeyInvalid = "agency_key_invalid";
inline constexpr std::string_view kKeySuspended = "agency_key_suspended";
inline constexpr std::string_view kKeyRevoked = "agency_key_revoked";
inline constexpr std::string_view kKeysTooMany = "agency_keys_too_many";
inline constexpr std::string_view kQuotaExceeded = "agency_quota_exceeded";
}  // namespace agency_reason

// Limits on what an agreement holds.
namespace agency_limits {
inline constexpr std::size_t code_bytes_min = 2;
inline constexpr std::size_t code_bytes_max = 32;
inline constexpr std::size_t name_bytes_max = 200;
inline constexpr std::size_t number_bytes_max = 64;  // "440/1234/DUKCAPIL/2026"
inline constexpr std::size_t purposes_max = 10;
inline constexpr std::size_t purpose_bytes_max = 200;
inline constexpr std::size_t regions_max = 100;
inline constexpr std::int64_t daily_quota_max = 10'000'000;
inline constexpr std::size_t agreements_listed_max = 1'000;
}  // namespace agency_limits

enum class AgencyKind { kHealthInsurance, kBank, kHospital, kMarriageOffice, kOther };
std::string_view agency_kind_id(AgencyKind kind);  // "health_insurance", "bank", …
Result<AgencyKind> parse_agency_kind(std::string_view id);

enum class AgencyOperation { kVerify, kRetrieve, kBulkMatch, kSubscribe, kRecordMarriage };
std::string_view agency_operation_id(AgencyOperation operation);  // "verify", "bulk_match", …
Result<AgencyOperation> parse_agency_operation(std::string_view id);

// The region list of a national agreement: "all", alone.
inline constexpr std::string_view kAllRegions = "all";

struct Agency {
  std::string code;  // lower-case slug: a-z first, then a-z, 0-9 and single '-', 2–32 bytes
  std::string name;  // "BPJS Kesehatan"
  AgencyKind kind = AgencyKind::kOther;
};

struct Agreement {
  std::int64_t id = 0;  // assigned by add_agreement
  std::string agency_code;
  std::string number;                   // the PKS number, unique per agency
  std::vector<std::string> purposes;    // 1..10 short texts, shown on the public page
  std::set<std::string> verify_fields;  // profile field ids (agency/profile_fields.h)
  // Fields it may receive: among verify_fields (what the agency may see, it may check), plus
  // "family" for the family-card members.
  std::set<std::string> retrieve_fields;
  std::set<AgencyOperation> operations;
  std::vector<std::string> regions;  // region code prefixes (2, 4, 6 or 10 digits), or {"all"}
  bool name_score = false;           // may it get a name similarity score, not only match/no match
  std::int64_t daily_quota = 0;      // calls per Jakarta day, 1..10,000,000
  std::int64_t valid_from_ms = 0;    // in force from (inclusive)
  std::int64_t valid_until_ms = 0;   // until (exclusive)

  bool allows(AgencyOperation operation) const { return operations.contains(operation); }
  bool may_verify(std::string_view field) const { return verify_fields.contains(std::string(field)); }
  bool may_retrieve(std::string_view field) const { return retrieve_fields.contains(std::string(field)); }
  // Whether a resident living in `village_code` is within the agreement's regions.
  bool covers_region(std::string_view village_code) const;
};

// Who makes a change, and when (for the audit log).
struct AgencyChange {
  std::string actor;  // the admin's username
  std::int64_t at_ms = 0;
};

// Pure checks; each error names the field ("regions[1]: …", "valid_until_ms: …").
Status validate_agency(const Agency& agency);
Status validate_agreement(const Agreement& agreement, AgencyKind kind);

// Registers an agency (audited "agency.create"). kAlreadyExists (agency_exists) when the code is
// taken; kInvalidArgument naming the field.
Status create_agency(store::Database& database, const Agency& agency, const AgencyChange& change);

// Adds an agreement after validating all of it (audited "agency.agreement"); returns its id.
// kNotFound (agency_unknown) for an agency not created; kAlreadyExists (agreement_exists) for a
// PKS number the agency has already.
Result<std::int64_t> add_agreement(store::Database& database, const Agreement& agreement,
                                   const AgencyChange& change);

// The agency (kNotFound, agency_unknown, when there is none).
Result<Agency> find_agency(store::Connection& db, std::string_view code);
// Its agreements, oldest start first.
Result<std::vector<Agreement>> agreements_of(store::Connection& db, std::string_view agency_code);

// The agreement in force at `now_ms`: of those started (valid_from_ms <= now) and not expired
// (now < valid_until_ms), the one that started last. kPermissionDenied (agreement_not_in_force)
// when none is, saying whether one starts later or the last has expired.
Result<Agreement> agreement_in_force(store::Connection& db, std::string_view agency_code,
                                     std::int64_t now_ms);

// For the public page: who may see what and why. No quota, no keys, nothing secret.
struct PublicAgreement {
  std::string number;
  std::vector<std::string> purposes;
  std::vector<std::string> verify_fields;    // in the order of profile_fields()
  std::vector<std::string> retrieve_fields;  // the same, "family" last
  std::vector<std::string> operations;
  std::vector<std::string> regions;
  std::int64_t valid_from_ms = 0;
  std::int64_t valid_until_ms = 0;
};
struct PublicAgency {
  std::string code;
  std::string name;
  std::string kind;
  std::vector<PublicAgreement> agreements;  // oldest start first
};
// Every agency (by code) with its agreements; at most agreements_listed_max agreements in all.
Result<std::vector<PublicAgency>> list_agencies(store::Connection& db);

}  // namespace ektp::agency
