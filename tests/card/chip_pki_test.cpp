// The chip's PKI and security object: CSCA and Document Signer certificates signed through a
// DigestSigner, EF.SOD written and read back, and Passive Authentication's separate verdicts —
// one byte of a data group changed, a Document Signer from an unknown CSCA, an expired DS, a
// tampered signature, an unknown hash algorithm, a SOD that is not one.
#include <gtest/gtest.h>

#include <algorithm>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "card/chip_certificates.h"
#include "card/der.h"
#include "card/lds_files.h"
#include "card/passive_authentication.h"
#include "card/security_object.h"
#include "support/software_signer.h"

namespace ektp::card {
namespace {

constexpr std::int64_t kDec2026 = 1796083200;  // 2026-12-01T00:00:00Z
constexpr std::int64_t kYear = 365 * 86400;

struct Pki {
  test::SoftwareSigner csca_key, ds_key;
  std::vector<std::uint8_t> csca, ds;

  explicit Pki(std::int64_t ds_not_after = kDec2026 + 11 * kYear) {
    csca = *make_csca_certificate({csca_key.public_key(), "CSCA Indonesia 1", 1, kDec2026, kDec2026 + 15 * kYear},
                                  csca_key.signer());
    ds = *make_document_signer_certificate({ds_key.public_key(), "Document Signer 2026-12", 2, kDec2026, ds_not_after},
                                           csca, csca_key.signer());
  }
  SodSigning signing() { return {ds, ds_key.signer(), kDec2026 + 3600}; }
};

std::map<int, std::vector<std::uint8_t>> sample_groups() {
  return {{1, encode_dg1({"I<IDN0000012349<3327015508900001", "9008155F3612019IDN<<<<<<<<<<<0",
                          "SITI<AMINAH<<<<<<<<<<<<<<<<<<<"})},
          {2, encode_tlv(0x75, std::string(3000, 'F'))},
          {3, encode_tlv(0x63, std::string(500, 'M'))},
          {11, encode_tlv(0x6B, std::string("SITI AMINAH"))}};
}

TEST(ChipPki, CertificatesChainAndCarryTheProfile) {
  Pki pki;
  const unsigned char* p = pki.ds.data();
  X509* ds = d2i_X509(nullptr, &p, static_cast<long>(pki.ds.size()));
  p = pki.csca.data();
  X509* csca = d2i_X509(nullptr, &p, static_cast<long>(pki.csca.size()));
  ASSERT_NE(ds, nullptr);
  ASSERT_NE(csca, nullptr);
  EXPECT_EQ(X509_verify(csca, X509_get0_pubkey(csca)), 1) << "the CSCA is self-signed";
  EXPECT_EQ(X509_verify(ds, X509_get0_pubkey(csca)), 1) << "the DS is signed by the CSCA";
  EXPECT_EQ(X509_check_ca(csca), 1);
  EXPECT_EQ(X509_check_ca(ds), 0);
  EXPECT_EQ(X509_get_key_usage(ds), static_cast<std::uint32_t>(X509v3_KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(certificate_subject(pki.ds), "CN=Document Signer 2026-12,O=Direktorat Jenderal Dukcapil,C=ID");
  X509_free(ds);
  X509_free(csca);
  EXPECT_EQ(pki.csca_key.signatures, 2);  // its own certificate and the DS's
}

TEST(ChipPki, PemRoundTripAndRefusals) {
  Pki pki;
  const auto pem = pem_of_certificate(pki.csca) + pem_of_certificate(pki.ds);
  auto back = certificates_of_pem(pem);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0], pki.csca);
  EXPECT_EQ((*back)[1], pki.ds);
  EXPECT_FALSE(certificates_of_pem("not a certificate").has_value());
  test::SoftwareSigner key;
  EXPECT_FALSE(make_csca_certificate({key.public_key(), "X", 1, kDec2026, kDec2026}, key.signer()).has_value())
      << "a certificate that ends when it begins";
  EXPECT_FALSE(make_csca_certificate({{1, 2, 3}, "X", 1, kDec2026, kDec2026 + 1}, key.signer()).has_value())
      << "a public key that is not one";
  EXPECT_FALSE(make_document_signer_certificate({key.public_key(), "X", 1, kDec2026, kDec2026 + 1}, {{0x30, 0x00}},
                                                key.signer())
                   .has_value());
}

TEST(ChipPki, SecurityObjectRoundTrip) {
  Pki pki;
  const auto groups = sample_groups();
  auto sod = make_ef_sod(groups, pki.signing());
  ASSERT_TRUE(sod.has_value()) << sod.error().message;
  EXPECT_EQ((*sod)[0], kEfSodTag);
  auto read = read_ef_sod(*sod);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(read->security_object.hash_algorithm, kSha256Oid);
  ASSERT_EQ(read->security_object.hashes.size(), groups.size());
  for (const auto& [group, bytes] : groups) {
    EXPECT_EQ(read->security_object.hashes.at(group), lds_hash(kSha256Oid, bytes)) << "DG" << group;
  }
}

TEST(ChipPki, PassiveAuthenticationPasses) {
  Pki pki;
  auto groups = sample_groups();
  const auto sod = *make_ef_sod(groups, pki.signing());
  groups.erase(3);  // read without a terminal key
  const auto pa = passive_authentication(groups, sod, {pki.csca}, kDec2026 + 86400);
  EXPECT_TRUE(pa.passed()) << pa.sod_error << pa.signature_error << pa.chain_error;
  EXPECT_TRUE(pa.signature_valid);
  EXPECT_TRUE(pa.chain_valid) << pa.chain_error;
  EXPECT_EQ(pa.groups.at(1), GroupHash::kMatch);
  EXPECT_EQ(pa.groups.at(2), GroupHash::kMatch);
  EXPECT_EQ(pa.groups.at(3), GroupHash::kNotRead);
  EXPECT_EQ(pa.csca, "CN=CSCA Indonesia 1,O=Direktorat Jenderal Dukcapil,C=ID");
  EXPECT_EQ(pa.document_signer_certificate, pki.ds);
}

TEST(ChipPki, OneChangedByteFailsThatGroupOnly) {
  Pki pki;
  auto groups = sample_groups();
  const auto sod = *make_ef_sod(groups, pki.signing());
  groups[2][1500] ^= 0x01;
  const auto pa = passive_authentication(groups, sod, {pki.csca}, kDec2026 + 86400);
  EXPECT_FALSE(pa.passed());
  EXPECT_EQ(pa.groups.at(2), GroupHash::kMismatch);
  EXPECT_EQ(pa.groups.at(1), GroupHash::kMatch);
  EXPECT_EQ(pa.groups.at(11), GroupHash::kMatch);
  EXPECT_TRUE(pa.signature_valid);
  EXPECT_TRUE(pa.chain_valid);
}

TEST(ChipPki, AGroupTheSodDoesNotListFails) {
  Pki pki;
  auto groups = sample_groups();
  const auto sod = *make_ef_sod(groups, pki.signing());
  groups[7] = encode_tlv(0x67, std::string("added"));
  const auto pa = passive_authentication(groups, sod, {pki.csca}, kDec2026 + 86400);
  EXPECT_FALSE(pa.passed());
  EXPECT_EQ(pa.groups.at(7), GroupHash::kNotSigned);
}

TEST(ChipPki, AnUnknownDocumentSignerFailsTheChainOnly) {
  Pki issuer, stranger;
  const auto groups = sample_groups();
  const auto sod = *make_ef_sod(groups, stranger.signing());
  const auto pa = passive_authentication(groups, sod, {issuer.csca}, kDec2026 + 86400);
  EXPECT_FALSE(pa.passed());
  EXPECT_TRUE(pa.signature_valid) << "the SOD is signed by the DS it carries";
  EXPECT_FALSE(pa.chain_valid);
  EXPECT_NE(pa.chain_error.find("trusted CSCA"), std::string::npos) << pa.chain_error;
  for (const auto& [group, result] : pa.groups) EXPECT_EQ(result, GroupHash::kMatch);
  // No trusted list at all: nothing chains.
  EXPECT_FALSE(passive_authentication(groups, sod, {}, kDec2026 + 86400).chain_valid);
  // A self-signed "DS" (its own issuer) does not chain either.
  test::SoftwareSigner self;
  const auto own = *make_csca_certificate({self.public_key(), "Document Signer 2026-12", 9, kDec2026, kDec2026 + kYear},
                                          self.signer());
  const auto loop = *make_ef_sod(groups, {own, self.signer(), kDec2026});
  EXPECT_FALSE(passive_authentication(groups, loop, {issuer.csca}, kDec2026 + 86400).chain_valid);
}

TEST(ChipPki, AnExpiredDocumentSignerFailsTheChain) {
  Pki pki(kDec2026 + 30 * 86400);
  const auto groups = sample_groups();
  const auto sod = *make_ef_sod(groups, pki.signing());
  EXPECT_TRUE(passive_authentication(groups, sod, {pki.csca}, kDec2026 + 86400).chain_valid);
  const auto late = passive_authentication(groups, sod, {pki.csca}, kDec2026 + 60 * 86400);
  EXPECT_FALSE(late.chain_valid);
  EXPECT_NE(late.chain_error.find("expired"), std::string::npos) << late.chain_error;
}

TEST(ChipPki, ATamperedSignatureFails) {
  Pki pki;
  const auto groups = sample_groups();
  auto sod = *make_ef_sod(groups, pki.signing());
  // The signature is the SOD's last OCTET STRING: flip a byte inside it (near the end).
  sod[sod.size() - 5] ^= 0x40;
  const auto pa = passive_authentication(groups, sod, {pki.csca}, kDec2026 + 86400);
  EXPECT_FALSE(pa.passed());
  EXPECT_FALSE(pa.signature_valid);
}

TEST(ChipPki, ASignerThatFailsLeavesNoSod) {
  Pki pki;
  SodSigning broken = pki.signing();
  broken.sign = [](std::span<const std::uint8_t>) -> Result<std::vector<std::uint8_t>> {
    return make_error(ErrorCode::kUnavailable, "the token is gone");
  };
  auto sod = make_ef_sod(sample_groups(), broken);
  ASSERT_FALSE(sod.has_value());
  EXPECT_EQ(sod.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(make_ef_sod({}, pki.signing()).has_value());
  EXPECT_FALSE(make_ef_sod({{17, {0x01}}}, pki.signing()).has_value());
  EXPECT_FALSE(make_ef_sod(sample_groups(), {{0x30, 0x00}, pki.ds_key.signer(), 0}).has_value());
}

TEST(ChipPki, SecurityObjectRefusals) {
  LdsSecurityObject object;
  object.hashes[1] = std::vector<std::uint8_t>(32, 0xAB);
  const auto good = encode_lds_security_object(object);
  ASSERT_TRUE(parse_lds_security_object(good).has_value());

  LdsSecurityObject md5 = object;
  md5.hash_algorithm = "1.2.840.113549.2.5";
  auto unknown = parse_lds_security_object(encode_lds_security_object(md5));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason, "sod_unknown_algorithm");

  LdsSecurityObject short_hash = object;
  short_hash.hashes[1].resize(20);
  EXPECT_EQ(parse_lds_security_object(encode_lds_security_object(short_hash)).error().reason, "sod_malformed");

  LdsSecurityObject group_17 = object;
  group_17.hashes[17] = std::vector<std::uint8_t>(32, 0);
  EXPECT_FALSE(parse_lds_security_object(encode_lds_security_object(group_17)).has_value());

  auto version_2 = good;
  version_2[4] = 0x02;  // 30 len 02 01 <version>
  EXPECT_FALSE(parse_lds_security_object(version_2).has_value());
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(parse_lds_security_object(std::span(good).first(cut)).has_value()) << "cut at " << cut;
  }
  // Nested deeper than the TLV reader allows.
  std::vector<std::uint8_t> deep;
  for (int i = 0; i < 20; ++i) deep = der::sequence({deep});
  EXPECT_FALSE(parse_lds_security_object(deep).has_value());
}

TEST(ChipPki, WhatIsNotAnEfSodIsRefused) {
  Pki pki;
  const auto sod = *make_ef_sod(sample_groups(), pki.signing());
  EXPECT_EQ(read_ef_sod(encode_tlv(0x6B, std::string("x"))).error().reason, "sod_malformed");
  EXPECT_FALSE(read_ef_sod(std::span(sod).first(sod.size() / 2)).has_value());
  EXPECT_FALSE(read_ef_sod(std::vector<std::uint8_t>(kEfSodBytesMax + 1, 0x77)).has_value());
  // Inside tag 77, a DER value that is not CMS.
  EXPECT_EQ(read_ef_sod(encode_tlv(kEfSodTag, der::sequence({der::integer(1)}))).error().reason, "sod_malformed");
  // Every truncation and a sweep of flipped bytes: a clear verdict, never a crash.
  for (std::size_t cut = 0; cut < sod.size(); cut += 7) {
    const auto pa = passive_authentication(sample_groups(), std::span(sod).first(cut), {pki.csca}, kDec2026);
    EXPECT_FALSE(pa.passed());
  }
  int tolerated = 0;
  for (std::size_t at = 0; at < sod.size(); at += 3) {
    auto bent = sod;
    bent[at] ^= 0x5A;
    // A changed byte fails, unless it is in a part nothing signs and the signed content and the
    // signer are still exactly the issuer's (OpenSSL tolerates one tag change in the signer id).
    const auto pa = passive_authentication(sample_groups(), bent, {pki.csca}, kDec2026 + 86400);
    if (pa.passed()) {
      EXPECT_EQ(read_ef_sod(bent)->security_object.hashes, read_ef_sod(sod)->security_object.hashes) << at;
      EXPECT_EQ(pa.document_signer_certificate, pki.ds) << at;
      ++tolerated;
    }
  }
  EXPECT_LE(tolerated, 2);
}

TEST(ChipPki, UnknownContentOrAlgorithmIsRefused) {
  Pki pki;
  const auto sod = *make_ef_sod(sample_groups(), pki.signing());
  const std::vector<std::uint8_t> lds_oid = {0x67, 0x81, 0x08, 0x01, 0x01, 0x01};
  auto other = sod;
  auto at = std::search(other.begin(), other.end(), lds_oid.begin(), lds_oid.end());
  ASSERT_NE(at, other.end());
  at[5] = 0x02;  // the eContentType, first in the file: 2.23.136.1.1.2
  EXPECT_EQ(read_ef_sod(other).error().reason, "sod_unknown_content");
  EXPECT_FALSE(passive_authentication(sample_groups(), other, {pki.csca}, kDec2026).passed());
  const std::vector<std::uint8_t> ecdsa_sha256 = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
  auto weak = sod;
  auto alg = std::find_end(weak.begin(), weak.end(), ecdsa_sha256.begin(), ecdsa_sha256.end());
  ASSERT_NE(alg, weak.end());
  alg[7] = 0x01;  // the SignerInfo's signature algorithm, last in the file: ecdsa-with-SHA224
  EXPECT_EQ(read_ef_sod(weak).error().reason, "sod_unknown_algorithm");
}

TEST(ChipPki, DerOids) {
  const auto lds = der::oid(kLdsSecurityObjectOid);
  EXPECT_EQ(lds, (std::vector<std::uint8_t>{0x06, 0x06, 0x67, 0x81, 0x08, 0x01, 0x01, 0x01}));
  EXPECT_EQ(*der::oid_text(std::span(lds).subspan(2)), kLdsSecurityObjectOid);
  for (const auto oid : {kSha256Oid, kSha512Oid, kEcdsaWithSha256Oid}) {
    const auto encoded = der::oid(oid);
    EXPECT_EQ(*der::oid_text(std::span(encoded).subspan(2)), oid);
  }
  EXPECT_FALSE(der::oid_text(std::vector<std::uint8_t>{0x2A, 0x86}).has_value()) << "cut short";
  EXPECT_FALSE(der::oid_text(std::vector<std::uint8_t>{}).has_value());
  EXPECT_EQ(der::integer(0), (std::vector<std::uint8_t>{0x02, 0x01, 0x00}));
  EXPECT_EQ(der::integer(128), (std::vector<std::uint8_t>{0x02, 0x02, 0x00, 0x80}));
  EXPECT_EQ(der::utc_time(kDec2026), encode_tlv(der::kUtcTime, std::string("261201000000Z")));
}

}  // namespace
}  // namespace ektp::card
