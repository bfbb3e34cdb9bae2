// RFC 6238 appendix B and RFC 4648 §10 test vectors, replay and drift rules, bad input.
#include "access/totp.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace ektp::access {
namespace {

TotpSecret rfc_secret() {
  const std::string ascii = "12345678901234567890";  // RFC 6238's SHA-1 seed
  return TotpSecret(ascii.begin(), ascii.end());
}

TEST(TotpTest, Rfc6238VectorsGiveTheirLastSixDigits) {
  // The RFC lists eight digits; six-digit codes are the same number modulo 10^6.
  const std::vector<std::pair<std::int64_t, std::string>> vectors = {
      {59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
      {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}};
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(totp_code(rfc_secret(), totp_step(time)), code) << "T=" << time;
  }
}

TEST(TotpTest, Base32RoundTripsAndFollowsRfc4648) {
  auto bytes = [](std::string_view s) { return TotpSecret(s.begin(), s.end()); };
  EXPECT_EQ(base32_encode(bytes("f")), "MY");
  EXPECT_EQ(base32_encode(bytes("foobar")), "MZXW6YTBOI");
  EXPECT_EQ(base32_encode(rfc_secret()), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  auto decoded = base32_decode("mzxw 6ytb oi======");
  ASSERT_OK(decoded);
  EXPECT_EQ(*decoded, bytes("foobar"));
  EXPECT_ERROR(base32_decode("MZXW1"), ErrorCode::kInvalidArgument, "character 5");
  EXPECT_ERROR(base32_decode("MY=A"), ErrorCode::kInvalidArgument, "character 4");
  const TotpSecret fresh = new_totp_secret();
  ASSERT_EQ(fresh.size(), kTotpSecretBytes);
  auto again = base32_decode(base32_encode(fresh));
  ASSERT_OK(again);
  EXPECT_EQ(*again, fresh);
}

TEST(TotpTest, ACodeMatchesWithinOneStepOfDriftAndOnlyOnce) {
  const auto secret = rfc_secret();
  const std::int64_t now = totp_step(1111111111);
  EXPECT_EQ(match_totp(secret, totp_code(secret, now), now, 0), now);
  EXPECT_EQ(match_totp(secret, totp_code(secret, now - 1), now, 0), now - 1);  // the phone is 30 s slow
  EXPECT_EQ(match_totp(secret, totp_code(secret, now + 1), now, 0), now + 1);  // or fast
  EXPECT_FALSE(match_totp(secret, totp_code(secret, now - 2), now, 0));       // a minute old
  EXPECT_FALSE(match_totp(secret, totp_code(secret, now + 2), now, 0));
  // Used once: the same code, or an older one, is refused afterwards.
  EXPECT_FALSE(match_totp(secret, totp_code(secret, now), now, now));
  EXPECT_FALSE(match_totp(secret, totp_code(secret, now - 1), now, now));
  EXPECT_EQ(match_totp(secret, totp_code(secret, now + 1), now, now), now + 1);
  // Another secret's code does not match.
  EXPECT_FALSE(match_totp(new_totp_secret(), totp_code(secret, now), now, 0));
}

TEST(TotpTest, MalformedCodesAreRefused) {
  const auto secret = rfc_secret();
  const std::int64_t now = totp_step(59);
  for (std::string_view bad : {"", "28708", "2870822", "28708a", " 287082", "２８７０８２"}) {
    EXPECT_FALSE(match_totp(secret, bad, now, 0)) << bad;
    EXPECT_FALSE(check_totp_code_format(bad).has_value()) << bad;
  }
  EXPECT_OK(check_totp_code_format("287082"));
}

TEST(TotpTest, TheUriIsWhatAuthenticatorAppsRead) {
  EXPECT_EQ(totp_uri("ektp", "admin.dinas", rfc_secret()),
            "otpauth://totp/ektp:admin.dinas?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ektp&algorithm=SHA1"
            "&digits=6&period=30");
  EXPECT_NE(totp_uri("ektp", "a b&c", rfc_secret()).find("ektp:a%20b%26c?"), std::string::npos);
}

}  // namespace
}  // namespace ektp::access
