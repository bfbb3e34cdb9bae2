#include "access/audit_anchor.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <sodium.h>

#include "access/private_file.h"
#include "access/sha256.h"

namespace ektp::access {

namespace {

constexpr std::string_view kSecretKeyFile = "signing.key";
constexpr std::string_view kPublicKeyFile = "signing.pub";
constexpr std::string_view kCheckpointsFile = "checkpoints.log";
constexpr std::size_t kCheckpointLineMax = 512;

std::string to_hex(std::string_view bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  hex.pop_back();
  return hex;
}

std::optional<std::string> from_hex(std::string_view hex, std::size_t bytes) {
  std::string out(bytes, '\0');
  std::size_t length = 0;
  if (hex.size() != bytes * 2 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr,
                     &length, nullptr) != 0 ||
      length != bytes) {
    return std::nullopt;
  }
  return out;
}

std::string signed_text(std::int64_t seq, std::string_view hash, std::int64_t at_ms) {
  return fmt::format("ektp-audit-checkpoint v1 {} {} {}", seq, hash, at_ms);
}

Error anchor_error(ErrorCode code, const std::filesystem::path& path, std::string_view what) {
  return Error{code, fmt::format("audit anchor {}: {}", path.string(), what)};
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// An exclusive lock on the checkpoint log for one read-verify-sign-append round, so that two
// processes serving the same database never append checkpoints out of order.
class LogLock {
 public:
  explicit LogLock(const std::filesystem::path& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) {
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~LogLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  LogLock(const LogLock&) = delete;
  LogLock& operator=(const LogLock&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::filesystem::path default_anchor_dir(std::string_view database_url) {
  if (database_url.starts_with("sqlite:")) {
    return std::filesystem::path(std::string(database_url.substr(7)) + ".anchor");
  }
  if (const char* dir = std::getenv("EKTP_AUDIT_ANCHOR_DIR"); dir != nullptr && *dir != '\0') return dir;
  std::filesystem::path state;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg != '\0') {
    state = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    state = std::filesystem::path(home) / ".local" / "state";
  } else {
    state = "/var/lib";
  }
  // The password is not part of which database this is (and must not reach a file name).
  std::string url(database_url);
  if (auto at = url.find('@'), scheme = url.find("://"); at != std::string::npos && scheme != std::string::npos) {
    if (auto colon = url.find(':', scheme + 3); colon != std::string::npos && colon < at) url.erase(colon, at - colon);
  }
  return state / "ektp" / "audit-anchor" / sha256_hex(url).substr(0, 16);
}

Result<AuditAnchor> AuditAnchor::open(const std::filesystem::path& dir, bool create) {
  if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "libsodium cannot be initialised");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    if (!create) return std::unexpected(anchor_error(ErrorCode::kNotFound, dir, "does not exist"));
    std::filesystem::create_directories(dir, ec);
    if (ec) return std::unexpected(anchor_error(ErrorCode::kUnavailable, dir, ec.message()));
  }
  ::chmod(dir.c_str(), 0700);
  AuditAnchor anchor;
  anchor.dir_ = dir;
  const auto secret_path = dir / kSecretKeyFile;
  const auto public_path = dir / kPublicKeyFile;
  if (create && !std::filesystem::exists(public_path, ec)) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    std::string secret(reinterpret_cast<const char*>(sk), sizeof sk);
    sodium_memzero(sk, sizeof sk);
    std::string public_key(reinterpret_cast<const char*>(pk), sizeof pk);
    EKTP_RETURN_IF_ERROR(write_new_private_file(secret_path, to_hex(secret) + "\n"));
    EKTP_RETURN_IF_ERROR(write_new_private_file(public_path, to_hex(public_key) + "\n"));
    sodium_memzero(secret.data(), secret.size());
  }
  EKTP_ASSIGN_OR_RETURN(auto public_hex, read_small_file(public_path, 256));
  auto public_key = from_hex(public_hex, crypto_sign_PUBLICKEYBYTES);
  if (!public_key) return std::unexpected(anchor_error(ErrorCode::kDataLoss, public_path, "not an Ed25519 public key"));
  anchor.public_key_ = std::move(*public_key);
  anchor.public_key_hex_ = public_hex;
  // Verifying needs the public key only; signing needs the secret one.
  if (auto secret_hex = read_small_file(secret_path, 512); secret_hex) {
    auto secret = from_hex(*secret_hex, crypto_sign_SECRETKEYBYTES);
    if (!secret || secret->substr(crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES) != anchor.public_key_) {
      return std::unexpected(anchor_error(ErrorCode::kDataLoss, secret_path, "does not match signing.pub"));
    }
    struct stat info {};
    if (::stat(secret_path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
      return std::unexpected(anchor_error(ErrorCode::kPermissionDenied, secret_path,
                                          "is readable by others; chmod 600 it"));
    }
    anchor.secret_key_ = std::move(*secret);
  } else if (create) {
    return std::unexpected(secret_hex.error());
  }
  return anchor;
}

Result<AuditCheckpoint> AuditAnchor::sign(const ChainHead& head, std::int64_t at_ms) const {
  if (secret_key_.empty()) {
    return std::unexpected(anchor_error(ErrorCode::kPermissionDenied, dir_, "holds no signing key we can read"));
  }
  const std::string text = signed_text(head.seq, head.hash, at_ms);
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       reinterpret_cast<const unsigned char*>(secret_key_.data()));
  AuditCheckpoint checkpoint{head.seq, head.hash, at_ms,
                             to_hex(std::string_view(reinterpret_cast<const char*>(signature), sizeof signature))};
  const auto path = dir_ / kCheckpointsFile;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(anchor_error(ErrorCode::kUnavailable, path, std::strerror(errno)));
  const std::string line =
      fmt::format("v1 {} {} {} {}\n", checkpoint.seq, checkpoint.hash, checkpoint.at_ms, checkpoint.signature_hex);
  const bool written =
      ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return std::unexpected(anchor_error(ErrorCode::kUnavailable, path, "cannot append a checkpoint"));
  return checkpoint;
}

Result<std::vector<AuditCheckpoint>> AuditAnchor::checkpoints() const {
  const auto path = dir_ / kCheckpointsFile;
  std::vector<AuditCheckpoint> out;
  std::ifstream in(path);
  if (!in) return out;  // none signed yet
  std::string line;
  std::int64_t number = 0;
  while (std::getline(in, line)) {
    number += 1;
    const auto bad = [&](std::string_view what) {
      return std::unexpected(anchor_error(ErrorCode::kDataLoss, path, fmt::format("line {}: {}", number, what)));
    };
    if (line.size() > kCheckpointLineMax) return bad("too long");
    std::istringstream fields(line);
    std::string version, seq_text, hash, at_text, signature_hex, extra;
    if (!(fields >> version >> seq_text >> hash >> at_text >> signature_hex) || (fields >> extra) || version != "v1") {
      return bad("not a checkpoint");
    }
    auto seq = parse_int(seq_text);
    auto at_ms = parse_int(at_text);
    auto signature = from_hex(signature_hex, crypto_sign_BYTES);
    if (!seq || !at_ms || !signature || hash.size() != 64) return bad("not a checkpoint");
    const std::string text = signed_text(*seq, hash, *at_ms);
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data()),
                                    reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                                    reinterpret_cast<const unsigned char*>(public_key_.data())) != 0) {
      return bad("the signature does not verify");
    }
    if (!out.empty() && *seq < out.back().seq) return bad("goes back in the chain");
    out.push_back({*seq, std::move(hash), *at_ms, std::move(signature_hex)});
  }
  return out;
}

Result<std::optional<AuditCheckpoint>> AuditAnchor::latest() const {
  EKTP_ASSIGN_OR_RETURN(auto all, checkpoints());
  if (all.empty()) return std::optional<AuditCheckpoint>{};
  return std::optional<AuditCheckpoint>{std::move(all.back())};
}

namespace {

// The chain from `from` on, with what the checkpoint says about where it must reach.
Result<AnchoredVerification> verify_from(store::Database& db, const ChainHead& from,
                                         std::vector<AuditCheckpoint> checkpoints) {
  AnchoredVerification out;
  out.checkpoints = static_cast<std::int64_t>(checkpoints.size());
  if (!checkpoints.empty()) out.latest = checkpoints.back();
  EKTP_ASSIGN_OR_RETURN(out.chain, verify_audit_chain(db, from));
  if (!out.chain.valid) return out;
  if (out.latest) {
    const AuditCheckpoint& latest = *out.latest;
    if (out.chain.head.seq < latest.seq) {
      out.chain.valid = false;
      out.chain.broken_at = out.chain.head.seq + 1;
      out.chain.problem = fmt::format("the chain ends at entry {} but entry {} was signed at {} ms: entries were cut",
                                      out.chain.head.seq, latest.seq, latest.at_ms);
      return out;
    }
    // The chain from `from` is consistent, so the newest checkpoint's entry vouches for all before it.
    auto connection = db.connect();
    if (!connection) return std::unexpected(connection.error());
    auto entry = audit_chain_entry(**connection, latest.seq);
    if (!entry) return std::unexpected(entry.error());
    if (entry->hash != latest.hash) {
      out.chain.valid = false;
      out.chain.broken_at = latest.seq;
      out.chain.problem = fmt::format("entry {} does not carry the hash signed at {} ms: the chain was rewritten",
                                      latest.seq, latest.at_ms);
      return out;
    }
  }
  out.unanchored_entries = out.chain.head.seq - (out.latest ? out.latest->seq : 0);
  return out;
}

}  // namespace

Result<AnchoredVerification> verify_anchored_chain(store::Database& db, const AuditAnchor& anchor) {
  EKTP_ASSIGN_OR_RETURN(auto checkpoints, anchor.checkpoints());
  return verify_from(db, {}, std::move(checkpoints));
}

Result<AnchoredVerification> verify_since_latest_checkpoint(store::Database& db, const AuditAnchor& anchor) {
  EKTP_ASSIGN_OR_RETURN(auto latest, anchor.latest());
  ChainHead from;
  std::vector<AuditCheckpoint> checkpoints;
  if (latest) {
    from = {latest->seq, latest->hash};
    checkpoints.push_back(*latest);
  }
  return verify_from(db, from, std::move(checkpoints));
}

Result<std::optional<AuditCheckpoint>> checkpoint_audit_chain(store::Database& db, const AuditAnchor& anchor,
                                                              std::int64_t at_ms) {
  LogLock lock(anchor.dir() / kCheckpointsFile);
  if (lock.fd() < 0) {
    return std::unexpected(anchor_error(ErrorCode::kUnavailable, anchor.dir(), "cannot lock the checkpoint log"));
  }
  EKTP_ASSIGN_OR_RETURN(auto verified, verify_since_latest_checkpoint(db, anchor));
  if (!verified.chain.valid) {
    return make_error(ErrorCode::kDataLoss, fmt::format("audit chain broken at entry {}: {}", verified.chain.broken_at,
                                                        verified.chain.problem));
  }
  if (verified.latest && verified.chain.head.seq == verified.latest->seq) return std::optional<AuditCheckpoint>{};
  if (!verified.latest && verified.chain.head.seq == 0) return std::optional<AuditCheckpoint>{};
  EKTP_ASSIGN_OR_RETURN(auto checkpoint, anchor.sign(verified.chain.head, at_ms));
  return std::optional<AuditCheckpoint>{std::move(checkpoint)};
}

}  // namespace ektp::access
