// The keys that sign SUKETs, kept outside the database in the server's key directory (beside the
// audit chain's signing key), each in a file of mode 0600: the root key, which signs the trust
// list and the superseded list, and one issuer key per printing office, which signs that
// office's SUKETs. An office's key is made on its first SUKET; its public half, key id and
// validity go to table suket_issuer_keys, from which the trust list is built. The root's public
// key is what a verifier pins (printed by `ektp suket trust-list`, served with the list).
// Thread-safe: one mutex over the issuer keys.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "card/suket_signing_key.h"
#include "card/suket_trust_list.h"
#include "store/database.h"

namespace ektp::card {

// An issuer key is valid for SUKETs issued in the two years after it was made (a SUKET lives six
// months after that, so verifiers keep it in the list that long again).
inline constexpr std::int64_t kIssuerKeyLifetimeS = 2 * 366 * 86'400;

class SuketKeys {
 public:
  // Opens the directory's keys, making the root key when `create` and it is absent. kNotFound
  // when absent and not `create`; kDataLoss for a file that is not a key.
  static Result<std::unique_ptr<SuketKeys>> open(const std::filesystem::path& dir, bool create);

  const SigningKey& root() const { return root_; }
  // The office's current issuer key, made (file, then table row) on first use.
  Result<const SigningKey*> issuer_key(store::Database& db, std::string_view office, std::int64_t now_s);

 private:
  SuketKeys(std::filesystem::path dir, SigningKey root) : dir_(std::move(dir)), root_(std::move(root)) {}
  std::filesystem::path dir_;
  SigningKey root_;
  std::mutex mutex_;
  std::map<std::string, SigningKey, std::less<>> issuers_;
};

// "ektp:3327": the CWT issuer of an office's SUKETs.
std::string suket_issuer_of(std::string_view office);

// Every issuer key the registry has made (expired ones too: old SUKETs still verify as expired).
Result<TrustList> trust_list_of(store::Connection& db, std::int64_t now_s);
// Every SUKET superseded by a collected card.
Result<SupersededList> superseded_list_of(store::Connection& db, std::int64_t now_s);

}  // namespace ektp::card
