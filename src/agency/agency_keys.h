// API keys of agencies: issued once (only their SHA-256 is stored), several active at once so that
// an agency can rotate without downtime, revoked for good or suspended for a while (both audited).
// A presented key reads "ektp_<key id: 16 hex digits>_<43 characters: 32 random bytes in
// unpadded base64url>"; authenticating it finds the agency and the agreement in force.
// Thread-safety: free functions over a Database or a caller's Connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agency/agency_registry.h"
#include "core/error.h"
#include "store/database.h"

namespace ektp::agency {

inline constexpr std::size_t kActiveKeysMax = 5;  // per agency: the current key and a few in rotation
inline constexpr std::size_t kKeyLabelBytesMax = 100;
inline constexpr std::size_t kSuspendReasonBytesMax = 200;

struct IssuedKey {
  std::string key_id;  // public: names the key in logs, lists and revocations
  std::string secret;  // the whole key to present ("ektp_<key_id>_…"); shown once, never stored
};

struct ApiKeyInfo {
  std::string key_id;
  std::string agency_code;
  std::string label;
  std::int64_t issued_at_ms = 0;
  std::int64_t revoked_at_ms = 0;  // 0 while not revoked
  bool suspended = false;
  std::string suspended_reason;
};

// A caller that presented a valid key, with the agreement in force now.
struct AgencyCaller {
  Agency agency;
  std::string key_id;
  Agreement agreement;
};

// Issues a new key for the agency (audited "agency.key_issue"). kNotFound (agency_unknown);
// kFailedPrecondition (agency_keys_too_many) when kActiveKeysMax are active (revoke one first).
Result<IssuedKey> issue_api_key(store::Database& database, std::string_view agency_code, std::string_view label,
                                const AgencyChange& change);

// Revokes a key for good (audited "agency.key_revoke"). kNotFound for an unknown key id;
// kFailedPrecondition (agency_key_revoked) when it is revoked already.
Status revoke_api_key(store::Database& database, std::string_view key_id, const AgencyChange& change);

// Suspends a key, saying why (audited "agency.key_suspend"): it authenticates no more until
// resumed (audited "agency.key_resume"). kNotFound; kFailedPrecondition for a revoked key.
Status suspend_api_key(store::Database& database, std::string_view key_id, std::string_view reason,
                       const AgencyChange& change);
// The same inside the caller's write transaction (the call that gave the key away suspends it).
Status suspend_api_key_within(store::Connection& db, std::string_view key_id, std::string_view reason,
                              const AgencyChange& change);
Status resume_api_key(store::Database& database, std::string_view key_id, const AgencyChange& change);

// The agency's keys, newest first (revoked ones included); no secrets.
Result<std::vector<ApiKeyInfo>> api_keys_of(store::Connection& db, std::string_view agency_code);

// Authenticates a presented key, comparing hashes in constant time. kUnauthenticated
// (agency_key_invalid) for a malformed, unknown or revoked key, all alike; kPermissionDenied
// (agency_key_suspended) for a suspended one; then agreement_in_force()'s refusal when the agency
// has no agreement in force at `now_ms`.
Result<AgencyCaller> authenticate_agency_key(store::Connection& db, std::string_view presented,
                                             std::int64_t now_ms);

}  // namespace ektp::agency
