// SHA-256 as lower-case hex: the audit chain, token hashes and request fingerprints, and (in
// pieces) the fingerprint of an uploaded file.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace ektp::access {

std::string sha256_hex(std::string_view data);

// SHA-256 over data given in pieces (a file read a chunk at a time). Not copyable; one thread.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view data);
  // The digest of everything given so far, as lower-case hex; the hash starts again after it.
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace ektp::access
