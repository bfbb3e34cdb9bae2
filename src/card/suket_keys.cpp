#include "card/suket_keys.h"

#include <algorithm>

#include <fmt/format.h>
#include <sodium.h>

#include "access/audit_log.h"
#include "access/private_file.h"
#include "card/blanko_ledger.h"
#include "card/byte_text.h"

namespace ektp::card {

namespace {

constexpr std::string_view kRootFile = "suket-root.key";
constexpr std::size_t kKeyFileBytesMax = 256;

// A key file holds the 64-byte secret key in hex.
Result<SigningKey> read_key(const std::filesystem::path& path) {
  EKTP_ASSIGN_OR_RETURN(auto text, access::read_small_file(path, kKeyFileBytesMax));
  auto bytes = bytes_of_hex(text, kEd25519SecretKeyBytes);
  sodium_memzero(text.data(), text.size());
  if (!bytes) return make_error(ErrorCode::kDataLoss, fmt::format("{}: not a SUKET signing key", path.string()));
  auto key = SigningKey::from_secret_key(*bytes);
  sodium_memzero(bytes->data(), bytes->size());
  if (!key) return make_error(ErrorCode::kDataLoss, fmt::format("{}: {}", path.string(), key.error().message));
  return key;
}

Result<SigningKey> write_key(const std::filesystem::path& path) {
  SigningKey key = generate_signing_key();
  std::string text = hex_of(key.secret_key());
  auto written = access::write_new_private_file(path, text);
  sodium_memzero(text.data(), text.size());
  if (!written) return std::unexpected(written.error());
  return key;
}

std::filesystem::path issuer_file(const std::filesystem::path& dir, std::string_view office) {
  return dir / fmt::format("suket-issuer-{}.key", office);
}

}  // namespace

std::string suket_issuer_of(std::string_view office) { return fmt::format("ektp:{}", office); }

Result<std::unique_ptr<SuketKeys>> SuketKeys::open(const std::filesystem::path& dir, bool create) {
  const auto root_path = dir / kRootFile;
  std::error_code ec;
  const bool exists = std::filesystem::exists(root_path, ec);
  if (!exists && !create) return not_found(fmt::format("no SUKET root key in {}", dir.string()));
  if (!exists) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("{}: {}", dir.string(), ec.message()));
  }
  auto root = exists ? read_key(root_path) : write_key(root_path);
  if (!root) return std::unexpected(root.error());
  return std::unique_ptr<SuketKeys>(new SuketKeys(dir, std::move(*root)));
}

Result<const SigningKey*> SuketKeys::issuer_key(store::Database& db, std::string_view office, std::int64_t now_s) {
  EKTP_RETURN_IF_ERROR(validate_office_code(office));
  std::lock_guard lock(mutex_);
  if (auto it = issuers_.find(office); it != issuers_.end()) return &it->second;
  const auto path = issuer_file(dir_, office);
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  auto key = exists ? read_key(path) : write_key(path);
  if (!key) return std::unexpected(key.error());
  // The public half is registered (once) so the trust list names it.
  const std::string kid = key_id_hex(key->public_key());
  auto registered = store::with_write_transaction<bool>(db, [&](store::Connection& c) -> Result<bool> {
    auto known = c.execute("SELECT 1 FROM suket_issuer_keys WHERE kid = $1", {kid});
    if (!known) return std::unexpected(known.error());
    if (!known->rows.empty()) return false;
    auto inserted = c.execute(
        "INSERT INTO suket_issuer_keys (kid, issuer, alg, public_key, not_before_s, not_after_s, created_at_ms) "
        "VALUES ($1,$2,'EdDSA',$3,$4,$5,$6)",
        {kid, suket_issuer_of(office), base64url_of(key->public_key()), now_s, now_s + kIssuerKeyLifetimeS,
         now_s * 1000});
    if (!inserted) return std::unexpected(inserted.error());
    EKTP_RETURN_IF_ERROR(access::append_audit(c, {now_s * 1000, "system", "suket.issuer_key", std::string(office),
                                                  fmt::format("kid {}", kid)}));
    return true;
  });
  if (!registered) return std::unexpected(registered.error());
  auto [it, inserted] = issuers_.emplace(std::string(office), std::move(*key));
  return &it->second;
}

Result<TrustList> trust_list_of(store::Connection& db, std::int64_t now_s) {
  auto rows = db.execute(
      "SELECT kid, issuer, public_key, not_before_s, not_after_s FROM suket_issuer_keys ORDER BY issuer, kid");
  if (!rows) return std::unexpected(rows.error());
  TrustList list;
  list.issued_at_s = now_s;
  for (const auto& r : rows->rows) {
    IssuerKey key;
    EKTP_ASSIGN_OR_RETURN(auto kid, bytes_of_hex(r.text(0), kKeyIdBytes));
    EKTP_ASSIGN_OR_RETURN(auto public_key, bytes_of_base64url(r.text(2), kEd25519PublicKeyBytes));
    std::ranges::copy(kid, key.kid.begin());
    std::ranges::copy(public_key, key.public_key.begin());
    key.issuer = r.text(1);
    key.not_before_s = r.integer(3);
    key.not_after_s = r.integer(4);
    list.keys.push_back(std::move(key));
  }
  return list;
}

Result<SupersededList> superseded_list_of(store::Connection& db, std::int64_t now_s) {
  auto rows = db.execute("SELECT id FROM sukets WHERE superseded_at_ms > 0 ORDER BY id");
  if (!rows) return std::unexpected(rows.error());
  SupersededList list;
  list.issued_at_s = now_s;
  for (const auto& r : rows->rows) list.ids.push_back(r.text(0));
  return list;
}

}  // namespace ektp::card
