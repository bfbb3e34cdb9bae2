// Agency API keys: issue, revoke, suspend, authenticate (agency/agency_keys.h).
#include "agency/agency_keys.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "access/audit_log.h"
#include "access/sha256.h"
#include "core/person.h"

namespace ektp::agency {
namespace {

constexpr std::string_view kKeyPrefix = "ektp_";
constexpr std::size_t kKeyIdBytes = 8;                  // random, shown as 16 hex digits
constexpr std::size_t kKeyIdChars = 2 * kKeyIdBytes;
constexpr std::size_t kSecretBytes = 32;                // random
constexpr std::size_t kSecretChars = 43;                // unpadded base64url of 32 bytes
constexpr std::size_t kPresentedChars = kKeyPrefix.size() + kKeyIdChars + 1 + kSecretChars;
static_assert(kSecretChars == (4 * kSecretBytes + 2) / 3);

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

Error key_invalid() {
  return Error{ErrorCode::kUnauthenticated, "the agency API key is not valid", std::string(agency_reason::kKeyInvalid)};
}

// The key id of a well-formed presented key; nullopt otherwise (looked at only through its shape).
std::optional<std::string> key_id_of(std::string_view presented) {
  if (presented.size() != kPresentedChars || !presented.starts_with(kKeyPrefix)) return std::nullopt;
  const std::string_view key_id = presented.substr(kKeyPrefix.size(), kKeyIdChars);
  const std::string_view secret = presented.substr(kKeyPrefix.size() + kKeyIdChars + 1);
  if (presented[kKeyPrefix.size() + kKeyIdChars] != '_') return std::nullopt;
  if (!std::ranges::all_of(key_id, is_lower_hex) || !std::ranges::all_of(secret, is_base64url)) return std::nullopt;
  return std::string(key_id);
}

Status validate_key_id(std::string_view key_id) {
  if (key_id.size() != kKeyIdChars || !std::ranges::all_of(key_id, is_lower_hex)) {
    return invalid_argument(fmt::format("key_id: {} lower-case hex digits", kKeyIdChars));
  }
  return {};
}

struct StoredKey {
  std::string agency_code;
  std::int64_t revoked_at_ms = 0;
};

// The key (kNotFound when there is none), within the caller's transaction.
Result<StoredKey> stored_key(store::Connection& db, std::string_view key_id) {
  EKTP_RETURN_IF_ERROR(validate_key_id(key_id));
  auto rows = db.execute("SELECT agency_code, revoked_at_ms FROM agency_api_keys WHERE key_id = $1",
                         {std::string(key_id)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return not_found(fmt::format("key_id: no agency API key {}", key_id));
  return StoredKey{rows->rows.front().text(0), rows->rows.front().integer(1)};
}

Status refuse_revoked(const StoredKey& key, std::string_view key_id) {
  if (key.revoked_at_ms == 0) return {};
  return refusal(ErrorCode::kFailedPrecondition, std::string(agency_reason::kKeyRevoked),
                 fmt::format("key_id: key {} is revoked", key_id));
}

// Runs `work` on an existing key inside the caller's write transaction and audits `action`.
Status change_key_within(store::Connection& db, std::string_view key_id, const AgencyChange& change,
                         std::string_view action,
                         const std::function<Result<std::string>(store::Connection&, const StoredKey&)>& work) {
  if (change.actor.empty()) return invalid_argument("actor: who changes the key");
  EKTP_ASSIGN_OR_RETURN(const StoredKey key, stored_key(db, key_id));
  EKTP_RETURN_IF_ERROR(refuse_revoked(key, key_id));
  EKTP_ASSIGN_OR_RETURN(const std::string detail, work(db, key));
  return access::append_audit(
      db, {change.at_ms, change.actor, std::string(action), key.agency_code, fmt::format("key {}{}", key_id, detail)});
}

// The same in a write transaction of its own.
Status change_key(store::Database& database, std::string_view key_id, const AgencyChange& change,
                  std::string_view action, const std::function<Result<std::string>(store::Connection&, const StoredKey&)>& work) {
  if (change.actor.empty()) return invalid_argument("actor: who changes the key");
  return store::with_write_transaction<void>(database, [&](store::Connection& db) -> Status {
    return change_key_within(db, key_id, change, action, work);
  });
}

Result<std::string> mark_suspended(store::Connection& db, std::string_view key_id, std::string_view reason,
                                   std::int64_t at_ms) {
  EKTP_RETURN_IF_ERROR(db.execute(
      "UPDATE agency_api_keys SET suspended = 1, suspended_reason = $2, suspended_at_ms = $3 WHERE key_id = $1",
      {std::string(key_id), std::string(reason), at_ms}));
  return fmt::format(": {}", reason);
}

}  // namespace

Result<IssuedKey> issue_api_key(store::Database& database, std::string_view agency_code, std::string_view label,
                                const AgencyChange& change) {
  if (change.actor.empty()) return invalid_argument("actor: who issues the key");
  EKTP_RETURN_IF_ERROR(validate_text("label", label, kKeyLabelBytesMax, false));
  if (!sodium_ready()) return make_error(ErrorCode::kInternal, "libsodium failed to initialise");
  return store::with_write_transaction<IssuedKey>(database, [&](store::Connection& db) -> Result<IssuedKey> {
    EKTP_ASSIGN_OR_RETURN(const Agency agency, find_agency(db, agency_code));
    auto active = db.execute("SELECT COUNT(*) FROM agency_api_keys WHERE agency_code = $1 AND revoked_at_ms = 0",
                             {agency.code});
    if (!active) return std::unexpected(active.error());
    if (!active->rows.empty() && active->rows.front().integer(0) >= static_cast<std::int64_t>(kActiveKeysMax)) {
      return refusal(ErrorCode::kFailedPrecondition, std::string(agency_reason::kKeysTooMany),
                     fmt::format("agency {} has {} active keys already: revoke one first", agency.code, kActiveKeysMax));
    }
    unsigned char id_bytes[kKeyIdBytes];
    unsigned char secret_bytes[kSecretBytes];
    randombytes_buf(id_bytes, sizeof id_bytes);
    randombytes_buf(secret_bytes, sizeof secret_bytes);
    char id_hex[kKeyIdChars + 1];
    sodium_bin2hex(id_hex, sizeof id_hex, id_bytes, sizeof id_bytes);
    char secret_text[sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(secret_text, sizeof secret_text, secret_bytes, sizeof secret_bytes,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(secret_bytes, sizeof secret_bytes);
    IssuedKey issued{id_hex, fmt::format("{}{}_{}", kKeyPrefix, id_hex, secret_text)};
    sodium_memzero(secret_text, sizeof secret_text);
    if (issued.secret.size() != kPresentedChars || key_id_of(issued.secret) != issued.key_id) {
      return make_error(ErrorCode::kInternal, "an issued agency key is not well formed");
    }
    EKTP_RETURN_IF_ERROR(db.execute(
        "INSERT INTO agency_api_keys (key_id, agency_code, secret_sha256, label, issued_by, issued_at_ms) "
        "VALUES ($1,$2,$3,$4,$5,$6)",
        {issued.key_id, agency.code, access::sha256_hex(issued.secret), std::string(label), change.actor, change.at_ms}));
    EKTP_RETURN_IF_ERROR(access::append_audit(
        db, {change.at_ms, change.actor, "agency.key_issue", agency.code, fmt::format("key {} {}", issued.key_id, label)}));
    return issued;
  });
}

Status revoke_api_key(store::Database& database, std::string_view key_id, const AgencyChange& change) {
  return change_key(database, key_id, change, "agency.key_revoke",
                    [&](store::Connection& db, const StoredKey&) -> Result<std::string> {
                      EKTP_RETURN_IF_ERROR(db.execute(
                          "UPDATE agency_api_keys SET revoked_at_ms = $2, revoked_by = $3 WHERE key_id = $1",
                          {std::string(key_id), std::max<std::int64_t>(change.at_ms, 1), change.actor}));
                      return std::string();
                    });
}

Status suspend_api_key(store::Database& database, std::string_view key_id, std::string_view reason,
                       const AgencyChange& change) {
  EKTP_RETURN_IF_ERROR(validate_text("reason", reason, kSuspendReasonBytesMax, true));
  return change_key(database, key_id, change, "agency.key_suspend",
                    [&](store::Connection& db, const StoredKey&) { return mark_suspended(db, key_id, reason, change.at_ms); });
}

Status suspend_api_key_within(store::Connection& db, std::string_view key_id, std::string_view reason,
                              const AgencyChange& change) {
  EKTP_RETURN_IF_ERROR(validate_text("reason", reason, kSuspendReasonBytesMax, true));
  return change_key_within(db, key_id, change, "agency.key_suspend",
                           [&](store::Connection& c, const StoredKey&) { return mark_suspended(c, key_id, reason, change.at_ms); });
}

Status resume_api_key(store::Database& database, std::string_view key_id, const AgencyChange& change) {
  return change_key(database, key_id, change, "agency.key_resume",
                    [&](store::Connection& db, const StoredKey&) -> Result<std::string> {
                      EKTP_RETURN_IF_ERROR(db.execute(
                          "UPDATE agency_api_keys SET suspended = 0, suspended_reason = '', suspended_at_ms = 0 "
                          "WHERE key_id = $1",
                          {std::string(key_id)}));
                      return std::string();
                    });
}

Result<std::vector<ApiKeyInfo>> api_keys_of(store::Connection& db, std::string_view agency_code) {
  auto rows = db.execute(
      "SELECT key_id, agency_code, label, issued_at_ms, revoked_at_ms, suspended, suspended_reason "
      "FROM agency_api_keys WHERE agency_code = $1 ORDER BY issued_at_ms DESC, key_id LIMIT 1000",
      {std::string(agency_code)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<ApiKeyInfo> out;
  for (const store::Row& row : rows->rows) {
    out.push_back({row.text(0), row.text(1), row.text(2), row.integer(3), row.integer(4), row.integer(5) != 0,
                   row.text(6)});
  }
  return out;
}

Result<AgencyCaller> authenticate_agency_key(store::Connection& db, std::string_view presented, std::int64_t now_ms) {
  const std::optional<std::string> key_id = key_id_of(presented);
  if (!key_id) return std::unexpected(key_invalid());
  auto rows = db.execute(
      "SELECT agency_code, secret_sha256, revoked_at_ms, suspended FROM agency_api_keys WHERE key_id = $1", {*key_id});
  if (!rows) return std::unexpected(rows.error());
  // An unknown key id is compared against a hash no key has, so that it costs what a known one does.
  static const std::string kNoKeyHash(64, '0');
  const bool known = !rows->rows.empty();
  const std::string stored = known ? rows->rows.front().text(1) : kNoKeyHash;
  const std::string presented_hash = access::sha256_hex(presented);
  const bool same = stored.size() == presented_hash.size() &&
                    sodium_memcmp(stored.data(), presented_hash.data(), stored.size()) == 0;
  if (!known || !same || rows->rows.front().integer(2) != 0) return std::unexpected(key_invalid());
  if (rows->rows.front().integer(3) != 0) {
    return refusal(ErrorCode::kPermissionDenied, std::string(agency_reason::kKeySuspended),
                   fmt::format("agency API key {} is suspended", *key_id));
  }
  EKTP_ASSIGN_OR_RETURN(Agency agency, find_agency(db, rows->rows.front().text(0)));
  EKTP_ASSIGN_OR_RETURN(Agreement agreement, agreement_in_force(db, agency.code, now_ms));
  return AgencyCaller{std::move(agency), *key_id, std::move(agreement)};
}

}  // namespace ektp::agency
