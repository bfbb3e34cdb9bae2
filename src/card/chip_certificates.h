// The chip's PKI (ICAO 9303 Part 12): the country signing CA (CSCA) certificate, self-signed, and
// the Document Signer (DS) certificates it issues, one per signing period. OpenSSL builds each
// certificate's TBSCertificate; the signature over it comes from the HSM through `DigestSigner`
// (security_object.h), so no private key ever leaves the token. Profiles:
// - CSCA: C=ID, O=Direktorat Jenderal Dukcapil, CN as given; basicConstraints critical CA:TRUE with
//   pathlen 0; keyUsage critical keyCertSign and cRLSign; a subject key identifier.
// - DS: the same C and O; keyUsage critical digitalSignature; the CSCA's key identifier as its
//   authority key identifier. Its validity is the period it signs in plus the cards' life.
// All keys are ECDSA P-256 and all signatures ecdsa-with-SHA256. PEM in and out for trust files.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "card/security_object.h"

namespace ektp::card {

struct CertificateRequest {
  std::vector<std::uint8_t> public_key;  // DER SubjectPublicKeyInfo (from the token)
  std::string common_name;
  std::uint64_t serial = 0;
  std::int64_t not_before = 0;           // seconds since 1970, UTC
  std::int64_t not_after = 0;
};

Result<std::vector<std::uint8_t>> make_csca_certificate(const CertificateRequest& request, const DigestSigner& csca_sign);
Result<std::vector<std::uint8_t>> make_document_signer_certificate(const CertificateRequest& request,
                                                                   std::span<const std::uint8_t> csca_certificate,
                                                                   const DigestSigner& csca_sign);

std::string pem_of_certificate(std::span<const std::uint8_t> der);
// Every certificate in a PEM text, DER; kInvalidArgument when there is none or one is malformed.
Result<std::vector<std::vector<std::uint8_t>>> certificates_of_pem(std::string_view pem);

// "CN=…,O=…,C=ID" of a DER certificate's subject (empty when it is not one).
std::string certificate_subject(std::span<const std::uint8_t> der);

}  // namespace ektp::card
