// Passive Authentication (ICAO 9303 Part 11 §5.1): is what the chip gave us what the issuer
// signed? Every data group read is hashed and compared with EF.SOD's LDSSecurityObject; the SOD's
// CMS signature is checked with the Document Signer certificate it carries; that certificate is
// chained to a CSCA from the verifier's own trusted list — never to one from the chip — with the
// validity dates at `now`. Each check has its own result so a reader can say which one failed
// (one byte of DG2 changed → DG2 alone mismatches; an unknown DS → the chain alone fails). Pure.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "card/security_object.h"

namespace ektp::card {

enum class GroupHash {
  kMatch,      // the data group read hashes to what the SOD says
  kMismatch,   // it does not: altered
  kNotRead,    // the SOD lists it but it was not read (DG3 without a terminal key)
  kNotSigned,  // it was read but the SOD does not list it
};
std::string_view group_hash_id(GroupHash result);

struct PassiveAuthentication {
  std::string sod_error;                  // empty when EF.SOD could be read
  std::string hash_algorithm;             // dotted OID
  std::map<int, GroupHash> groups;        // every group read or listed
  bool signature_valid = false;
  std::string signature_error;
  bool chain_valid = false;
  std::string chain_error;
  std::string document_signer;            // the DS certificate's subject
  std::string csca;                       // the trusted CSCA it chains to
  std::vector<std::uint8_t> document_signer_certificate;  // DER, as the chip carried it
  // SOD read, signature and chain valid, and every group read matches.
  bool passed() const;
};

// `groups`: data group number → the file as read; `trusted_cscas`: DER certificates.
PassiveAuthentication passive_authentication(const std::map<int, std::vector<std::uint8_t>>& groups,
                                             std::span<const std::uint8_t> ef_sod,
                                             const std::vector<std::vector<std::uint8_t>>& trusted_cscas,
                                             std::int64_t now_unix_seconds);

}  // namespace ektp::card
