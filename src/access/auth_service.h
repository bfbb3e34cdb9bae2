// Users, passwords and sessions. Passwords are stored as argon2id hashes (libsodium); a login
// gives a random bearer token whose SHA-256 is stored with its expiry, so a stolen database does
// not yield usable tokens. The database is the authority: every authenticate() is one indexed
// lookup of the session joined with its user, so a logout, a deactivation or a role change made by
// any server process on the same database applies at once everywhere. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/role.h"
#include "core/error.h"
#include "access/login_throttle.h"
#include "access/session_cache.h"
#include "access/staff.h"
#include "access/totp_secret_key.h"
#include "store/database.h"

namespace ektp::access {

struct Session {
  std::string username;
  Role role = Role::kOperator;
  std::int64_t expires_at_ms = 0;
  std::string id;  // the first 12 hex digits of the token's SHA-256; names the session, not a secret
  // The region code (2, 4, 6 or 10 digits) of the office the user works for; empty: none given.
  // Operators and supervisors see only the residents of this region (access/office_scope.h).
  std::string office_region = {};
  // False while an adjudicator or admin account awaits a second admin's approval: it may log in
  // and change its password, nothing that needs its role (api::authenticate_bearer).
  bool approved = true;
  // True for a session made with the password alone by an account whose role must sign in with
  // a second factor and has none yet: it may only enrol one (api::authenticate_bearer).
  bool second_factor_pending = false;
};

// What a sign-in presents. `totp` is the six-digit code of the account's authenticator app, empty
// when the client has not asked for it yet.
struct LoginAttempt {
  std::string_view username;
  std::string_view password;
  std::string_view totp;
  std::string_view client_address;
};

// A second factor being enrolled: the secret to show once (as text and as an otpauth:// URI for
// a QR code), until a code from it confirms the enrolment.
struct TotpEnrolment {
  std::string secret_base32;
  std::string uri;
};

struct TotpState {
  bool enrolled = false;           // confirmed: every sign-in needs a code
  bool required = false;           // the account's role must have one (ektp serve --require-totp-for)
  std::int64_t confirmed_at_ms = 0;
};

// An operator activating their account at a station with a one-time code from central
// (sync/operator_enrolment.h): the password chosen here is hashed here and never sent anywhere.
struct AccountActivation {
  std::string_view username;
  std::string_view code;
  std::string_view password;
  std::string_view client_address;
};
// Asks central whether `code` is good for `username` at this station; answers the role there.
using CodeRedeemer = std::function<Result<Role>(std::string_view username, std::string_view code)>;

struct LoginResult {
  std::string token;
  Session session;
};

// A session as an administrator sees it: never the token.
struct SessionInfo {
  std::string id;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
};

// An account to create. Adjudicator and admin accounts need `person.nik` and start pending a
// second admin's approval (access/staff.h), except the bootstrap admin of a database without any.
struct NewUser {
  std::string username;
  std::string password;
  Role role = Role::kOperator;
  StaffPerson person;
  // The approved admin who creates it; empty on the console (`ektp user add` without --by),
  // which may create such accounts only as the bootstrap or the second admin.
  std::string created_by;
};

struct AuthOptions {
  LoginThrottleLimits throttle;
  std::chrono::milliseconds hash_wait{2'000};  // how long a login queues for the hashing gate
  // How long a checked session is trusted without asking the database again (SessionCache);
  // zero turns the cache off.
  std::chrono::milliseconds session_cache_ttl{10'000};
  std::size_t session_cache_entries_max = 50'000;
};

class AuthService {
 public:
  explicit AuthService(store::Database& db, AuthOptions options = {})
      : db_(db),
        throttle_(options.throttle),
        gate_(options.hash_wait),
        sessions_(options.session_cache_ttl, options.session_cache_entries_max) {}

  // Username: 3–64 of [a-z0-9._-]; password: check_password_policy (access/password_policy.h).
  // kAlreadyExists for a taken name.
  Status create_user(std::string_view username, std::string_view password, Role role,
                     std::chrono::system_clock::time_point now) {
    auto created = create_user(NewUser{std::string(username), std::string(password), role, {}, ""}, now);
    if (!created) return std::unexpected(created.error());
    return {};
  }
  // As above, plus the person rules of access/staff.h; returns the account's approval. Audited
  // (`user.create`, the creator or "console" as actor) in the same transaction. kPermissionDenied
  // when the creator is not an approved admin with a person identity, or (reason
  // creator_required) on the console once two admins are approved; reason same_person when an
  // admin creates an adjudicator or admin account for their own NIK; separation_of_duties when
  // the NIK already holds an account of the other privileged role.
  Result<Approval> create_user(const NewUser& user, std::chrono::system_clock::time_point now);
  // A second admin approves a pending account. kFailedPrecondition (not_pending_approval) unless
  // it is pending; kPermissionDenied unless the approver is an approved admin with a person
  // identity, a different person (NIK) from the account's own person (approver_is_subject) and
  // from whoever created it or asked for its role (approver_is_creator). Audited (`user.approve`).
  Status approve_user(std::string_view username, std::string_view approver,
                      std::chrono::system_clock::time_point now);
  // Records the person behind an account. An adjudicator or admin account goes back to pending
  // approval (requested by `by`), except an approved admin completing their own missing identity
  // (accounts from before persons were recorded). Audited (`user.person`).
  Result<Approval> set_person(std::string_view username, const StaffPerson& person, std::string_view by,
                              std::chrono::system_clock::time_point now);
  // kUnauthenticated unless the password is this active user's; costs one argon2 verification
  // (the hashing gate). For the CLI, where a second person proves who they are.
  Status check_password(std::string_view username, std::string_view password);
  // kInvalidArgument for a username over 64 or a password over 256 bytes (refused before any
  // hashing); kUnauthenticated for a wrong name or password, or a deactivated user (the same
  // message for all, and the same argon2 cost for unknown names); kResourceExhausted after too
  // many failures in the sliding window for this (username, client address) or this address;
  // kUnavailable when another login held the hashing gate for the whole wait.
  //
  // An account with a confirmed second factor also needs its current TOTP code: without one the
  // answer is kUnauthenticated with reason totp_required (the password was right; not counted as
  // a failure), with a wrong or replayed one reason totp_wrong (counted). An account whose role
  // must have a second factor and has none gets a session with second_factor_pending.
  Result<LoginResult> login(const LoginAttempt& attempt, std::chrono::system_clock::time_point now);
  Result<LoginResult> login(std::string_view username, std::string_view password,
                            std::string_view client_address, std::chrono::system_clock::time_point now) {
    return login(LoginAttempt{username, password, "", client_address}, now);
  }
  Result<LoginResult> login(std::string_view username, std::string_view password,
                            std::chrono::system_clock::time_point now) {
    return login(LoginAttempt{username, password, "", ""}, now);
  }
  // kUnauthenticated for an unknown, revoked or expired token, or a deactivated user. The role is
  // the user's current one. A logout, deactivation, role change or revocation made through this
  // AuthService applies at once; one made by another process within AuthOptions::session_cache_ttl.
  Result<Session> authenticate(std::string_view token, std::chrono::system_clock::time_point now);
  Status logout(std::string_view token);

  // Administration. kNotFound for an unknown username or session id.
  Status set_active(std::string_view username, bool active);  // deactivating revokes every session
  // Applies to existing sessions at once. A change into adjudicator or admin needs the account's
  // person identity (person_identity_required) and puts it pending approval, requested by `by`.
  Result<Approval> set_role(std::string_view username, Role role, std::string_view by);
  Status reset_password(std::string_view username, std::string_view new_password);  // revokes sessions
  // The user behind `token` changes their own password; needs the current one (kUnauthenticated
  // otherwise) and revokes their other sessions.
  Status change_password(std::string_view token, std::string_view current_password,
                         std::string_view new_password, std::chrono::system_clock::time_point now);
  Result<std::vector<SessionInfo>> list_sessions(std::string_view username,
                                                 std::chrono::system_clock::time_point now);
  // Revokes one session by its id; returns the username it belonged to.
  Result<std::string> revoke_session(std::string_view session_id);
  // The office region of a user (validate_office_region); kNotFound for an unknown username.
  Status set_office_region(std::string_view username, std::string_view region_code,
                           std::chrono::system_clock::time_point now);

  // Second-factor sign-in (access/totp_accounts.cpp). Without enable_totp() nobody can enrol
  // (kFailedPrecondition, reason totp_unavailable) and an enrolled account cannot sign in
  // (kUnavailable): the secrets cannot be opened. `required_for`: roles that must enrol.
  void enable_totp(TotpSecretKey key, std::vector<Role> required_for);
  bool totp_required(Role role) const;
  Result<TotpState> totp_state(std::string_view username);
  // Starts (or restarts) enrolment for the user behind `token`, who proves it is them with their
  // password (kPermissionDenied, reason password_wrong, otherwise). kAlreadyExists (reason totp_already_enrolled) when one is confirmed: an admin resets
  // it first.
  Result<TotpEnrolment> begin_totp(std::string_view token, std::string_view password,
                                   std::chrono::system_clock::time_point now);
  // Confirms the enrolment with a code from the app. kFailedPrecondition (reason totp_not_started)
  // without one begun; kPermissionDenied (reason totp_wrong) for a wrong code (the session stays). This session loses
  // second_factor_pending; the user's other sessions are revoked.
  Status confirm_totp(std::string_view token, std::string_view code, std::chrono::system_clock::time_point now);
  // An admin removes a user's second factor (lost phone); revokes their sessions. kNotFound when
  // the user has none.
  Status reset_totp(std::string_view username);

  // Activates (or re-activates, after a forgotten password) an account at a station
  // (access/account_activation.cpp): the password must pass check_password_policy before the
  // code is spent; `redeem` asks central. The account gets the role central answers and the new
  // password; its earlier sessions are revoked. Throttled as logins are: a wrong code counts as a
  // failed login (kResourceExhausted after too many); kUnavailable when the hashing gate is busy.
  Status activate_account(const AccountActivation& activation, const CodeRedeemer& redeem,
                          std::chrono::system_clock::time_point now);

  HashGate& hash_gate() { return gate_; }

 private:
  Result<std::string> hash_password(std::string_view password);
  Result<Session> authenticate_in_database(const std::string& hash, std::chrono::system_clock::time_point now);
  Status update_user(std::string_view username, std::string_view sql, std::vector<store::Value> params,
                     bool revoke_sessions);
  // kUnauthenticated (totp_required / totp_wrong) unless `code` is the user's current one; records
  // its step so that it is not accepted again.
  Status check_totp(std::string_view username, std::string_view code, std::chrono::system_clock::time_point now);

  store::Database& db_;
  LoginThrottle throttle_;
  HashGate gate_;
  SessionCache sessions_;
  std::optional<TotpSecretKey> totp_key_;
  std::vector<Role> totp_required_for_;
};

Status validate_username(std::string_view username);
// A province (2 digits), regency (4), district (6) or village (10) code.
Status validate_office_region(std::string_view region_code);
// A random password for an administrator's reset: 16 characters without look-alikes (~80 bits).
std::string temporary_password();
// Bytes of a session id: that many leading hex digits of the token hash.
inline constexpr std::size_t kSessionIdHexDigits = 12;

}  // namespace ektp::access
