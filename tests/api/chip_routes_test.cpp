// Central's chip routes (docs/api.md, "Chip") with the issuer's keys in SoftHSM2, on SQLite and
// PostgreSQL: the CSCA certificates as PEM and the newest signed revocation list, for anyone;
// POST /chip/verify for a signed-in verifier: untouched groups pass, one changed byte fails its
// group alone, a revoked chip serial reads revoked, a stored list that does not verify is refused,
// every bad input is a 400 with its reason, each verification is audited and no answer carries a
// NIK.
#include "api/chip_routes.h"

#include <algorithm>
#include <atomic>
#include <optional>

#include <fmt/format.h>

#include "card/ber_tlv.h"
#include "card/chip_certificates.h"
#include "card/chip_issuer.h"
#include "card/chip_register.h"
#include "card/lds_files.h"
#include "support/route_fixture.h"
#include "support/softhsm_token.h"
#include "sync/enrollment_payload.h"

namespace ektp::test {
namespace {

constexpr const char* kPin = "577215";
constexpr const char* kNik = "3327015508900001";
constexpr const char* kRevokedSerial = "e47b100100000001";

using Groups = std::map<int, std::vector<std::uint8_t>>;

Groups sample_groups() {
  return {{1, card::encode_dg1({"I<IDN0000012349<3327015508900001", "9008155F3612019IDN<<<<<<<<<<<0",
                                "SITI<AMINAH<<<<<<<<<<<<<<<<<<<"})},
          {11, card::encode_tlv(0x6B, std::string("SITI AMINAH 3327015508900001"))}};
}

std::string body_of(const Groups& groups, const std::vector<std::uint8_t>& sod, std::string_view serial = "") {
  boost::json::object encoded;
  for (const auto& [number, file] : groups) encoded[std::to_string(number)] = sync::base64_encode(file);
  boost::json::object body{{"groups", std::move(encoded)}, {"ef_sod", sync::base64_encode(sod)}};
  if (!serial.empty()) body["chip_serial"] = serial;
  return boost::json::serialize(body);
}

boost::json::object answer_of(const HttpResponse& response) {
  auto parsed = boost::json::parse(response.body);
  return parsed.as_object();
}

class ChipRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    if (!softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
    static std::atomic<int> tokens{0};
    const auto label = "ektp-chip-routes-" + std::to_string(tokens++);
    ASSERT_TRUE(make_softhsm_token(label, "314159", kPin));
    auto opened = card::Pkcs11Token::open(kSoftHsmModule, label, kPin);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    token.emplace(std::move(*opened));
    issuer.emplace(*token, db(), "test.issuer");
    api::add_chip_routes(router, *services);
  }
  void TearDown() override {
    router = Router();
    issuer.reset();
    token.reset();
    RouteTest::TearDown();
  }

  std::int64_t now_s() const { return now_ms() / 1000; }
  // The issuer's CSCA and an EF.SOD over the sample groups, signed by this quarter's DS.
  void initialise() {
    ASSERT_TRUE(issuer->initialise(now_s() - 86'400).has_value());
    auto sod = issuer->sign_sod(sample_groups(), kNik, now_s() - 3600);
    ASSERT_TRUE(sod.has_value()) << sod.error().message;
    ef_sod = sod->ef_sod;
  }
  // A personalised chip whose card was reported lost: on the next revocation list.
  void record_lost_chip() {
    auto conn = db().connect();
    ASSERT_OK(conn);
    auto inserted = (*conn)->execute(fmt::format(
        "INSERT INTO print_requests (nik, office_code, reason, status, requested_at_ms, requested_by, "
        "revoked_at_ms, revoked_reason) VALUES ('{}', '3327', 'first', 'printed', {}, 'test', {}, 'lost') RETURNING id",
        kNik, now_ms() - 86'400'000, now_ms() - 3'600'000));
    ASSERT_OK(inserted);
    card::ChipPersonalisation chip{kRevokedSerial, 9001, kNik, inserted->rows.front().integer(0), "ektp-ds-2026q4",
                                   std::string(64, '0'), "test.issuer", now_ms() - 86'400'000};
    ASSERT_OK(store::with_write_transaction<void>(
        db(), [&](store::Connection& c) { return card::record_personalisation(c, chip); }));
  }
  HttpResponse verify(const std::string& body, const std::string& token_text) {
    return call("POST", "/api/v1/chip/verify", token_text, body);
  }

  std::optional<card::Pkcs11Token> token;
  std::optional<card::ChipIssuer> issuer;
  std::vector<std::uint8_t> ef_sod;
};

TEST_P(ChipRoutesTest, TheCscaIsServedAsPemOnceTheIssuerHasOne) {
  auto none = call("GET", "/api/v1/chip/csca", "");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(reason_of(none), api::chip_reason::kNoCsca);
  auto no_list = call("GET", "/api/v1/chip/revocations", "");
  EXPECT_EQ(no_list.status, 404);
  EXPECT_EQ(reason_of(no_list), api::chip_reason::kNoRevocationList);
  auto cannot = verify(body_of(sample_groups(), {0x77, 0x00}), operator_token);
  EXPECT_EQ(cannot.status, 409);
  EXPECT_EQ(reason_of(cannot), api::chip_reason::kNoCsca);

  initialise();
  auto served = call("GET", "/api/v1/chip/csca", "");  // no token: public
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.content_type, "application/x-pem-file");
  EXPECT_TRUE(served.body.starts_with("-----BEGIN CERTIFICATE-----")) << served.body;
  auto parsed = card::certificates_of_pem(served.body);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ(parsed->front(), issuer->csca()->certificate);
  EXPECT_EQ(card::certificate_subject(parsed->front()).find("C=ID") != std::string::npos, true);
}

TEST_P(ChipRoutesTest, TheNewestRevocationListIsServedExactlyAsIssued) {
  initialise();
  record_lost_chip();
  auto issued = issuer->revocation_list(now_s(), 7 * 86'400);
  ASSERT_TRUE(issued.has_value()) << issued.error().message;
  auto served = call("GET", "/api/v1/chip/revocations", "");
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.content_type, "application/json");
  EXPECT_EQ(served.body, *issued);
  auto pem = call("GET", "/api/v1/chip/csca", "");
  auto list = card::verify_revocation_list(served.body, *card::certificates_of_pem(pem.body));
  ASSERT_TRUE(list.has_value()) << list.error().message;
  EXPECT_NE(list->find(kRevokedSerial), nullptr) << "a reader verifies it with the CSCA it fetched";
}

TEST_P(ChipRoutesTest, UntouchedGroupsPassAndTheVerificationIsAudited) {
  initialise();
  auto answer = verify(body_of(sample_groups(), ef_sod), operator_token);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const auto o = answer_of(answer);
  EXPECT_TRUE(o.at("passed").as_bool());
  const auto& pa = o.at("passive_authentication").as_object();
  EXPECT_EQ(pa.at("groups").as_object().at("1").as_string(), "match");
  EXPECT_EQ(pa.at("groups").as_object().at("11").as_string(), "match");
  EXPECT_TRUE(pa.at("signature_valid").as_bool());
  EXPECT_TRUE(pa.at("chain_valid").as_bool());
  EXPECT_TRUE(pa.at("signature_error").is_null());
  EXPECT_NE(std::string(pa.at("document_signer").as_string()).find("C=ID"), std::string::npos);
  EXPECT_NE(std::string(pa.at("csca").as_string()).find("C=ID"), std::string::npos);
  const auto& revocation = o.at("revocation").as_object();
  EXPECT_FALSE(revocation.at("checked").as_bool()) << "no list issued, no chip serial";
  EXPECT_FALSE(revocation.at("revoked").as_bool());
  EXPECT_TRUE(revocation.at("list_number").is_null());
  EXPECT_EQ(answer.body.find(kNik), std::string::npos) << "verdicts only: " << answer.body;
  EXPECT_EQ(answer.body.find("SITI"), std::string::npos);

  EXPECT_EQ(audited("ani.op", "chip.verify"), 1);
  const auto entries = audit_for("unknown");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries.front().action, "chip.verify");
  EXPECT_EQ(entries.front().detail, "passed; revocation not checked");

  // An agency's reader may ask too.
  ASSERT_OK(auth->create_user("bank.verifikasi", "agency-password-2026", Role::kAgency, now));
  auto agency = verify(body_of(sample_groups(), ef_sod), login("bank.verifikasi", "agency-password-2026"));
  EXPECT_EQ(agency.status, 200) << agency.body;
}

TEST_P(ChipRoutesTest, OneChangedByteFailsThatGroupAlone) {
  initialise();
  auto groups = sample_groups();
  groups[11].back() ^= 0x01;
  auto answer = verify(body_of(groups, ef_sod), operator_token);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const auto o = answer_of(answer);
  EXPECT_FALSE(o.at("passed").as_bool());
  const auto& pa = o.at("passive_authentication").as_object();
  EXPECT_EQ(pa.at("groups").as_object().at("11").as_string(), "mismatch");
  EXPECT_EQ(pa.at("groups").as_object().at("1").as_string(), "match");
  EXPECT_TRUE(pa.at("signature_valid").as_bool()) << "the SOD itself is the issuer's";
  EXPECT_TRUE(pa.at("chain_valid").as_bool());
  const auto entries = audit_for("unknown");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries.front().detail, "failed: dg11 mismatch; revocation not checked");
}

TEST_P(ChipRoutesTest, ARevokedChipSerialReadsRevokedWithoutItsNik) {
  initialise();
  record_lost_chip();
  ASSERT_TRUE(issuer->revocation_list(now_s(), 7 * 86'400).has_value());
  auto answer = verify(body_of(sample_groups(), ef_sod, kRevokedSerial), operator_token);
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto o = answer_of(answer);
  EXPECT_FALSE(o.at("passed").as_bool());
  EXPECT_TRUE(o.at("passive_authentication").as_object().at("signature_valid").as_bool());
  auto revocation = o.at("revocation").as_object();
  EXPECT_TRUE(revocation.at("checked").as_bool());
  EXPECT_TRUE(revocation.at("revoked").as_bool());
  EXPECT_EQ(revocation.at("reason").as_string(), "lost");
  EXPECT_EQ(revocation.at("list_number").to_number<std::int64_t>(), now_s());
  EXPECT_FALSE(revocation.at("stale").as_bool());
  EXPECT_EQ(answer.body.find(kNik), std::string::npos) << "not even the list's NIK: " << answer.body;
  const auto entries = audit_for(kRevokedSerial);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries.front().detail, "failed: revoked (lost)");

  // Another chip serial is checked against the same list and is not on it.
  auto other = verify(body_of(sample_groups(), ef_sod, "e47b100200000002"), operator_token);
  ASSERT_EQ(other.status, 200) << other.body;
  o = answer_of(other);
  EXPECT_TRUE(o.at("passed").as_bool());
  revocation = o.at("revocation").as_object();
  EXPECT_TRUE(revocation.at("checked").as_bool());
  EXPECT_FALSE(revocation.at("revoked").as_bool());
  EXPECT_TRUE(revocation.at("reason").is_null());
  EXPECT_EQ(audited("ani.op", "chip.verify"), 2);
}

TEST_P(ChipRoutesTest, AStoredListThatDoesNotVerifyIsRefusedNotSkipped) {
  initialise();
  record_lost_chip();
  auto issued = issuer->revocation_list(now_s(), 7 * 86'400);
  ASSERT_TRUE(issued.has_value());
  auto tampered = *issued;
  const auto at = tampered.find("lost");
  ASSERT_NE(at, std::string::npos);
  tampered.replace(at, 4, "none");
  {
    auto conn = db().connect();
    ASSERT_OK(conn);
    ASSERT_OK((*conn)->execute("UPDATE chip_revocation_lists SET signed_list = $1", {tampered}));
  }
  auto answer = verify(body_of(sample_groups(), ef_sod, kRevokedSerial), operator_token);
  EXPECT_EQ(answer.status, 500) << answer.body;
  EXPECT_EQ(reason_of(answer), api::chip_reason::kRevocationListInvalid);
  EXPECT_EQ(audited("ani.op", "chip.verify"), 0);
}

TEST_P(ChipRoutesTest, OnlySignedInVerifiersMayAsk) {
  initialise();
  const auto body = body_of(sample_groups(), ef_sod);
  auto anonymous = verify(body, "");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(verify(body, "not-a-token").status, 401);
  ASSERT_OK(auth->create_user("warga.satu", "resident-password-2026", Role::kResident, now));
  EXPECT_EQ(verify(body, login("warga.satu", "resident-password-2026")).status, 403);
  EXPECT_EQ(audited("public", "chip.verify") + audited("warga.satu", "chip.verify"), 0);
}

TEST_P(ChipRoutesTest, EveryBadInputIsA400NamingItsField) {
  initialise();
  const auto sod64 = sync::base64_encode(ef_sod);
  const auto dg1 = sync::base64_encode(sample_groups().at(1));
  const auto expect_reason = [&](const std::string& body, std::string_view reason, int status = 400) {
    auto answer = verify(body, operator_token);
    EXPECT_EQ(answer.status, status) << body.substr(0, 200) << " → " << answer.body;
    EXPECT_EQ(reason_of(answer), reason) << body.substr(0, 200);
  };
  expect_reason(R"({"groups":{"1":"not base64!"},"ef_sod":")" + sod64 + "\"}", api::chip_reason::kGroupBase64);
  expect_reason(R"({"groups":{"1":""},"ef_sod":")" + sod64 + "\"}", api::chip_reason::kGroupBase64);
  expect_reason(R"({"groups":{"1":42},"ef_sod":")" + sod64 + "\"}", api::chip_reason::kGroupBase64);
  expect_reason(R"({"groups":{"17":")" + dg1 + R"("},"ef_sod":")" + sod64 + "\"}", api::chip_reason::kGroupNumber);
  expect_reason(R"({"groups":{"0":")" + dg1 + R"("},"ef_sod":")" + sod64 + "\"}", api::chip_reason::kGroupNumber);
  expect_reason(R"({"groups":{"01":")" + dg1 + R"("},"ef_sod":")" + sod64 + "\"}", api::chip_reason::kGroupNumber);
  expect_reason(R"({"groups":{"x":")" + dg1 + R"("},"ef_sod":")" + sod64 + "\"}", api::chip_reason::kGroupNumber);
  expect_reason(body_of({{2, std::vector<std::uint8_t>(api::kChipGroupBytesMax + 1, 0x75)}}, ef_sod),
                api::chip_reason::kGroupTooLarge);
  Groups seventeen;
  for (int i = 1; i <= 17; ++i) seventeen[i] = {0x61, 0x01, 0x00};
  auto too_many = body_of(seventeen, ef_sod);  // "17" sorts after "16": count is checked first
  expect_reason(too_many, api::chip_reason::kGroupCount);
  expect_reason(R"({"ef_sod":")" + sod64 + "\"}", api::chip_reason::kGroupsRequired);
  expect_reason(R"({"groups":{},"ef_sod":")" + sod64 + "\"}", api::chip_reason::kGroupsRequired);
  expect_reason(R"({"groups":{"1":")" + dg1 + "\"}}", api::chip_reason::kEfSodRequired);
  expect_reason(R"({"groups":{"1":")" + dg1 + R"("},"ef_sod":"@@@@"})", api::chip_reason::kEfSodBase64);
  expect_reason(body_of(sample_groups(), std::vector<std::uint8_t>(api::kChipEfSodBytesMax + 1, 0x77)),
                api::chip_reason::kEfSodTooLarge);
  expect_reason(body_of(sample_groups(), ef_sod, "E47B100100000001"), api::chip_reason::kChipSerialFormat);
  expect_reason(body_of(sample_groups(), ef_sod, "e47b1001"), api::chip_reason::kChipSerialFormat);
  expect_reason(R"({"groups":{"1":")" + dg1 + R"("},"ef_sod":")" + sod64 + R"(","nik":"3327015508900001"})",
                api::chip_reason::kBodyInvalid);
  expect_reason("[1,2]", api::chip_reason::kBodyInvalid);
  expect_reason(std::string(api::kChipVerifyBodyBytesMax + 1, ' '), api::chip_reason::kBodyTooLarge, 413);
  EXPECT_EQ(audited("ani.op", "chip.verify"), 0) << "a refused request verified nothing";
}

TEST_P(ChipRoutesTest, EachUserHasABudgetOfVerifications) {
  initialise();
  router = Router();
  api::add_chip_routes(router, *services, {.verifications_per_s = 1, .verification_burst = 2});
  const auto body = body_of(sample_groups(), ef_sod);
  EXPECT_EQ(verify(body, operator_token).status, 200);
  EXPECT_EQ(verify(body, operator_token).status, 200);
  auto refused = verify(body, operator_token);
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(reason_of(refused), api::chip_reason::kVerifyRate);
  const auto retry = std::find_if(refused.headers.begin(), refused.headers.end(),
                                  [](const auto& header) { return header.first == "Retry-After"; });
  ASSERT_NE(retry, refused.headers.end());
  EXPECT_EQ(retry->second, "1");
  EXPECT_EQ(verify(body, admin_token).status, 200) << "another user's budget is their own";
}

EKTP_INSTANTIATE_FOR_BACKENDS(ChipRoutesTest);

}  // namespace
}  // namespace ektp::test
