// The signed chip revocation list: signed by the CSCA, read back with the CSCA certificate alone;
// another issuer's list, a changed payload, a malformed entry are refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "card/chip_certificates.h"
#include "card/byte_text.h"
#include "card/chip_revocation.h"
#include "support/software_signer.h"

namespace ektp::card {
namespace {

constexpr std::int64_t kDec2026 = 1796083200;

struct Csca {
  test::SoftwareSigner key;
  std::vector<std::uint8_t> certificate =
      *make_csca_certificate({key.public_key(), "CSCA Indonesia 1", 1, kDec2026, kDec2026 + 400000000}, key.signer());
};

RevocationList sample() {
  return {3, kDec2026, kDec2026 + 7 * 86400,
          {{"0011223344556677", "3327015508900001", "2026-11-30", "lost"},
           {"8899aabbccddeeff", "3327011203850002", "2026-12-01", "replaced"}}};
}

TEST(ChipRevocation, SignedListReadsBack) {
  Csca csca;
  auto file = sign_revocation_list(sample(), csca.key.signer());
  ASSERT_TRUE(file.has_value()) << file.error().message;
  auto list = verify_revocation_list(*file, {csca.certificate});
  ASSERT_TRUE(list.has_value()) << list.error().message;
  EXPECT_EQ(list->number, 3u);
  ASSERT_EQ(list->entries.size(), 2u);
  ASSERT_NE(list->find("0011223344556677"), nullptr);
  EXPECT_EQ(list->find("0011223344556677")->reason, "lost");
  EXPECT_EQ(list->find("0011223344556678"), nullptr);
  EXPECT_FALSE(revocation_list_stale(*list, kDec2026 + 86400));
  EXPECT_TRUE(revocation_list_stale(*list, kDec2026 + 8 * 86400));
}

TEST(ChipRevocation, AnotherIssuerOrAChangedPayloadIsRefused) {
  Csca csca, other;
  const auto file = *sign_revocation_list(sample(), csca.key.signer());
  auto foreign = verify_revocation_list(file, {other.certificate});
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().reason, "revocation_signature");
  EXPECT_FALSE(verify_revocation_list(file, {}).has_value());
  // Dropping an entry from the payload (a thief unrevoking a card) breaks the signature.
  auto outer = boost::json::parse(file).as_object();
  std::string payload(outer["payload"].as_string());
  const auto at = payload.find("0011223344556677");
  ASSERT_NE(at, std::string::npos);
  payload[at] = '1';
  outer["payload"] = payload;
  EXPECT_EQ(verify_revocation_list(boost::json::serialize(outer), {csca.certificate}).error().reason,
            "revocation_signature");
}

TEST(ChipRevocation, MalformedInputIsRefused) {
  Csca csca;
  for (const auto* text : {"", "[]", "{}", "{\"payload\":1,\"signature\":\"x\"}", "{\"payload\":\"{}\",\"signature\":\"!!\"}"}) {
    auto list = verify_revocation_list(text, {csca.certificate});
    EXPECT_FALSE(list.has_value()) << text;
  }
  auto bad = sample();
  bad.entries[0].chip_serial = "00112233445566ZZ";
  EXPECT_EQ(sign_revocation_list(bad, csca.key.signer()).error().reason, "revocation_malformed");
  bad = sample();
  bad.entries[1].reason = "forgotten";
  EXPECT_FALSE(sign_revocation_list(bad, csca.key.signer()).has_value());
  bad = sample();
  bad.entries[1].nik = "33270112038500";
  EXPECT_FALSE(sign_revocation_list(bad, csca.key.signer()).has_value());
  bad = sample();
  bad.next_update = bad.issued_at;
  EXPECT_FALSE(sign_revocation_list(bad, csca.key.signer()).has_value());
  // A payload the CSCA did sign but that is not a list is still refused.
  const std::string payload = "{\"number\":1}";
  auto signature = *csca.key.signer()(lds_hash(kSha256Oid, std::span(reinterpret_cast<const std::uint8_t*>(payload.data()),
                                                                      payload.size())));
  const auto file = boost::json::serialize(boost::json::object{{"payload", payload}, {"signature", base64url_of(signature)}});
  EXPECT_EQ(verify_revocation_list(file, {csca.certificate}).error().reason, "revocation_malformed");
}

}  // namespace
}  // namespace ektp::card
