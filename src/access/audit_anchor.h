// Signed checkpoints of the audit chain's head, kept outside the database, so that what the hash
// chain alone cannot show is caught: a cut tail (the chain ends before a checkpoint), a chain
// rebuilt from some entry on with recomputed hashes (a checkpoint's entry has another hash), and
// entries erased with the rest renumbered.
//
// An anchor is a folder (0700) holding
//   signing.key      the Ed25519 secret key (0600), which the database never sees;
//   signing.pub      its public key, hex;
//   checkpoints.log  one signed checkpoint a line, appended, never rewritten:
//                    "v1 <seq> <hash> <at_ms> <signature hex>".
// Whoever can write the database but not this folder cannot make a verification pass after
// rewriting history. Entries after the newest checkpoint are reported as not yet anchored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/audit_log.h"
#include "core/error.h"

namespace ektp::access {

struct AuditCheckpoint {
  std::int64_t seq = 0;
  std::string hash;
  std::int64_t at_ms = 0;
  std::string signature_hex;
};

// Where the anchor of a database lives when nobody says otherwise: "sqlite:PATH" → PATH.anchor
// beside the file; a PostgreSQL URL → $EKTP_AUDIT_ANCHOR_DIR, else
// $XDG_STATE_HOME (or ~/.local/state)/ektp/audit-anchor/<first 16 hex of SHA-256 of the URL
// without its password>.
std::filesystem::path default_anchor_dir(std::string_view database_url);

class AuditAnchor {
 public:
  // Opens the anchor at `dir`; with `create`, makes the folder and a new key pair when missing.
  // kNotFound when it does not exist and `create` is false.
  static Result<AuditAnchor> open(const std::filesystem::path& dir, bool create);

  const std::filesystem::path& dir() const { return dir_; }
  const std::string& public_key_hex() const { return public_key_hex_; }

  // Signs `head` and appends the checkpoint (fsync'd before it returns).
  Result<AuditCheckpoint> sign(const ChainHead& head, std::int64_t at_ms) const;
  // Every checkpoint, oldest first; kDataLoss when a line is malformed or badly signed, or the
  // checkpoints go backwards.
  Result<std::vector<AuditCheckpoint>> checkpoints() const;
  Result<std::optional<AuditCheckpoint>> latest() const;

 private:
  AuditAnchor() = default;
  std::filesystem::path dir_;
  std::string secret_key_;  // raw bytes; empty when the folder is read-only to us
  std::string public_key_;  // raw bytes
  std::string public_key_hex_;
};

struct AnchoredVerification {
  AuditVerification chain;
  std::int64_t checkpoints = 0;
  std::optional<AuditCheckpoint> latest;
  std::int64_t unanchored_entries = 0;  // after the newest checkpoint
};

// The whole chain (from the genesis) against every checkpoint of the anchor.
Result<AnchoredVerification> verify_anchored_chain(store::Database& db, const AuditAnchor& anchor);
// From the newest checkpoint on only (cheap enough for a request): the checkpoint's entry must
// still carry its hash, and what follows must chain from it.
Result<AnchoredVerification> verify_since_latest_checkpoint(store::Database& db, const AuditAnchor& anchor);

// Signs a checkpoint when the chain has grown since the newest one, after checking that what is
// new chains from it (a chain rewritten under us is never signed). Returns the checkpoint signed
// now, or nullopt when there was nothing new. kDataLoss when the chain no longer matches.
Result<std::optional<AuditCheckpoint>> checkpoint_audit_chain(store::Database& db, const AuditAnchor& anchor,
                                                              std::int64_t at_ms);

}  // namespace ektp::access
