// The chip issuer over a real PKCS#11 token (SoftHSM2) and the register, on SQLite and PostgreSQL:
// initialised once (CSCA, masters), a Document Signer per quarter made at first use and certified
// by the CSCA, EF.SOD signed in the token that passes Passive Authentication against the CSCA
// alone, every signature counted and audited, keys that cannot be read out, per-card keys that
// differ per chip, and the revocation list signed by the CSCA.
#include "card/chip_issuer.h"

#include <gtest/gtest.h>

#include "access/audit_log.h"
#include "card/chip_revocation.h"
#include "card/lds_files.h"
#include "card/passive_authentication.h"
#include "store/migrations.h"
#include "support/chip_fixture.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace ektp::card {
namespace {

constexpr std::int64_t kDec2026 = 1796083200;   // 2026-12-01 00:00 UTC, 07:00 in Jakarta
constexpr std::int64_t kJan2027 = 1798761600;   // 2027-01-01 00:00 UTC: the next quarter in Jakarta
constexpr const char* kPin = "271828";

class ChipIssuerTest : public test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
    ASSERT_OK(store::migrate(db(), store::registry_migrations()));
    token_ = test::fresh_softhsm_token("ektp-issuer", kPin);
    ASSERT_TRUE(token_.has_value());
  }
  void TearDown() override {
    token_.reset();
    BackendTest::TearDown();
  }
  std::int64_t signatures_of(const std::string& label) {
    auto conn = db().connect();
    auto rows = (*conn)->execute("SELECT signatures FROM chip_certificates WHERE label = $1", {label});
    return rows && !rows->rows.empty() ? rows->rows.front().integer(0) : -1;
  }
  std::int64_t audited(const std::string& action) {
    auto conn = db().connect();
    auto rows = (*conn)->execute("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action});
    return rows ? rows->rows.front().integer(0) : -1;
  }

  std::optional<Pkcs11Token> token_;
};

std::map<int, std::vector<std::uint8_t>> groups() {
  return {{1, encode_dg1({"I<IDN0000012349<3327015508900001", "9008155F3612019IDN<<<<<<<<<<<0",
                          "SITI<AMINAH<<<<<<<<<<<<<<<<<<<"})},
          {11, encode_tlv(0x6B, std::string("SITI AMINAH"))}};
}

TEST(SigningPeriod, QuartersInJakarta) {
  EXPECT_EQ(signing_period_of(kDec2026), "2026q4");
  EXPECT_EQ(signing_period_of(kJan2027 - 8 * 3600), "2026q4");  // 31 Dec 16:00 UTC = 23:00 WIB
  EXPECT_EQ(signing_period_of(kJan2027 - 6 * 3600), "2027q1");  // 31 Dec 18:00 UTC = 01:00 WIB
  EXPECT_EQ(signing_period_start(kDec2026), 1790787600);        // 2026-10-01 00:00 WIB
}

TEST_P(ChipIssuerTest, InitialisedOnceWithKeysThatStayInTheToken) {
  ChipIssuer issuer(*token_, db(), "test.issuer");
  EXPECT_EQ(issuer.csca().error().code, ErrorCode::kFailedPrecondition) << "nothing before init";
  auto csca = issuer.initialise(kDec2026);
  ASSERT_TRUE(csca.has_value()) << csca.error().message;
  EXPECT_EQ(csca->label, kCscaKeyLabel);
  EXPECT_EQ(signatures_of(std::string(kCscaKeyLabel)), 1);
  EXPECT_EQ(issuer.initialise(kDec2026).error().code, ErrorCode::kAlreadyExists);
  for (const auto label : {kCscaKeyLabel, kPersoMasterLabel, kTerminalMasterLabel}) {
    auto value = token_->read_secret_value(label);
    ASSERT_FALSE(value.has_value()) << label;
    EXPECT_EQ(value.error().reason, "key_not_extractable") << label;
  }
  auto ds = issuer.document_signer(kDec2026);
  ASSERT_TRUE(ds.has_value()) << ds.error().message;
  EXPECT_EQ(ds->label, "ektp-ds-2026q4");
  auto flags = token_->key_flags(ds->label);
  ASSERT_TRUE(flags.has_value());
  EXPECT_TRUE(flags->sensitive && flags->never_extractable && !flags->extractable);
  EXPECT_EQ(token_->read_secret_value(ds->label).error().reason, "key_not_extractable")
      << "the Document Signer's private key cannot be read out of the token";
}

TEST_P(ChipIssuerTest, DocumentSignersRotateEachQuarterAndEverySignatureIsCounted) {
  ChipIssuer issuer(*token_, db(), "test.issuer");
  ASSERT_TRUE(issuer.initialise(kDec2026).has_value());
  auto first = issuer.sign_sod(groups(), "3327015508900001", kDec2026);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  auto second = issuer.sign_sod(groups(), "3327015508900001", kDec2026 + 3600);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->document_signer, "ektp-ds-2026q4");
  EXPECT_EQ(second->document_signer, "ektp-ds-2026q4");
  auto next = issuer.sign_sod(groups(), "3327015508900001", kJan2027);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->document_signer, "ektp-ds-2027q1") << "a new quarter, a new Document Signer";
  EXPECT_EQ(signatures_of("ektp-ds-2026q4"), 2);
  EXPECT_EQ(signatures_of("ektp-ds-2027q1"), 1);
  EXPECT_EQ(signatures_of(std::string(kCscaKeyLabel)), 3) << "its own certificate and two DS certificates";
  EXPECT_EQ(audited("chip.signature"), 6);

  // Every SOD passes Passive Authentication with the CSCA alone, whichever DS signed it.
  const auto csca = issuer.csca()->certificate;
  for (const auto* sod : {&first->ef_sod, &next->ef_sod}) {
    const auto pa = passive_authentication(groups(), *sod, {csca}, kJan2027 + 86400);
    EXPECT_TRUE(pa.passed()) << pa.signature_error << " " << pa.chain_error;
  }
}

TEST_P(ChipIssuerTest, PerCardKeysDifferPerChipAndRepeatForTheSameChip) {
  ChipIssuer issuer(*token_, db(), "test.issuer");
  ASSERT_TRUE(issuer.initialise(kDec2026).has_value());
  const std::vector<std::uint8_t> a = {1, 2, 3, 4, 5, 6, 7, 8}, b = {1, 2, 3, 4, 5, 6, 7, 9};
  EXPECT_EQ(*issuer.perso_key(a), *issuer.perso_key(a));
  EXPECT_NE(*issuer.perso_key(a), *issuer.perso_key(b));
  EXPECT_NE(*issuer.perso_key(a), *issuer.terminal_key(a)) << "the two masters are different keys";
  EXPECT_EQ(*issuer.terminal_key(b), *diversified_key(*token_, kTerminalMasterLabel, kTerminalKeyLabel, b))
      << "an authorised reader holding the terminal master derives the same key";
}

TEST_P(ChipIssuerTest, TheRevocationListIsSignedByTheCsca) {
  ChipIssuer issuer(*token_, db(), "test.issuer");
  EXPECT_FALSE(issuer.revocation_list(kDec2026, 86400).has_value()) << "no CSCA yet";
  ASSERT_TRUE(issuer.initialise(kDec2026).has_value());
  auto file = issuer.revocation_list(kDec2026, 7 * 86400);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  auto list = verify_revocation_list(*file, {issuer.csca()->certificate});
  ASSERT_TRUE(list.has_value()) << list.error().message;
  EXPECT_TRUE(list->entries.empty());
  EXPECT_EQ(list->next_update, kDec2026 + 7 * 86400);
  EXPECT_EQ(signatures_of(std::string(kCscaKeyLabel)), 2);
}

EKTP_INSTANTIATE_FOR_BACKENDS(ChipIssuerTest);

}  // namespace
}  // namespace ektp::card
